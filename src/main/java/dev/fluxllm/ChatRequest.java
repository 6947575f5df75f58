package dev.fluxllm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Holds one chat-completion request: messages, model, sampling options, tools and provider
 * extras. Immutable; built with {@link #builder()}, changed with {@link #toBuilder()}.
 *
 * <p>Absent options are not sent, so each server applies its own default. The model may be left
 * out when the client has a default model.
 */
public final class ChatRequest {

    private static final Set<String> TOOL_CHOICES = Set.of("auto", "none", "required");

    private final String model;
    private final List<ChatMessage> messages;
    private final Double temperature;
    private final Double topP;
    private final Integer maxTokens;
    private final Integer maxCompletionTokens;
    private final List<String> stop;
    private final Long seed;
    private final Integer n;
    private final List<Tool> tools;
    private final String toolChoice;
    private final String toolChoiceFunction;
    private final Boolean parallelToolCalls;
    private final ResponseFormat responseFormat;
    private final Double presencePenalty;
    private final Double frequencyPenalty;
    private final Boolean logprobs;
    private final Integer topLogprobs;
    private final String user;
    private final Boolean includeUsage;
    private final String backend;
    private final Map<String, Object> extra;

    private ChatRequest(Builder b) {
        this.model = b.model;
        this.messages = List.copyOf(b.messages);
        this.temperature = b.temperature;
        this.topP = b.topP;
        this.maxTokens = b.maxTokens;
        this.maxCompletionTokens = b.maxCompletionTokens;
        this.stop = b.stop == null ? null : List.copyOf(b.stop);
        this.seed = b.seed;
        this.n = b.n;
        this.tools = List.copyOf(b.tools);
        this.toolChoice = b.toolChoice;
        this.toolChoiceFunction = b.toolChoiceFunction;
        this.parallelToolCalls = b.parallelToolCalls;
        this.responseFormat = b.responseFormat;
        this.presencePenalty = b.presencePenalty;
        this.frequencyPenalty = b.frequencyPenalty;
        this.logprobs = b.logprobs;
        this.topLogprobs = b.topLogprobs;
        this.user = b.user;
        this.includeUsage = b.includeUsage;
        this.backend = b.backend;
        this.extra = Collections.unmodifiableMap(new LinkedHashMap<>(b.extra));
    }

    /** Starts a request. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder holding this request's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Returns the model, null when the client's default model applies. */
    public String model() { return model; }

    /** Returns the messages, in order. */
    public List<ChatMessage> messages() { return messages; }

    /** Returns the temperature, null when not set. */
    public Double temperature() { return temperature; }

    /** Returns {@code top_p}, null when not set. */
    public Double topP() { return topP; }

    /** Returns {@code max_tokens}, null when not set. */
    public Integer maxTokens() { return maxTokens; }

    /** Returns {@code max_completion_tokens}, null when not set. */
    public Integer maxCompletionTokens() { return maxCompletionTokens; }

    /** Returns the stop sequences, null when not set. */
    public List<String> stop() { return stop; }

    /** Returns the seed, null when not set. */
    public Long seed() { return seed; }

    /** Returns {@code n}, null when not set. */
    public Integer n() { return n; }

    /** Returns the tools, empty when none. */
    public List<Tool> tools() { return tools; }

    /** Returns {@code auto}, {@code none} or {@code required}, null when not set. */
    public String toolChoice() { return toolChoice; }

    /** Returns the name of the function the model is forced to call, null when not set. */
    public String toolChoiceFunction() { return toolChoiceFunction; }

    /** Returns {@code parallel_tool_calls}, null when not set. */
    public Boolean parallelToolCalls() { return parallelToolCalls; }

    /** Returns the response format, null when not set. */
    public ResponseFormat responseFormat() { return responseFormat; }

    /** Returns {@code presence_penalty}, null when not set. */
    public Double presencePenalty() { return presencePenalty; }

    /** Returns {@code frequency_penalty}, null when not set. */
    public Double frequencyPenalty() { return frequencyPenalty; }

    /** Returns {@code logprobs}, null when not set. */
    public Boolean logprobs() { return logprobs; }

    /** Returns {@code top_logprobs}, null when not set. */
    public Integer topLogprobs() { return topLogprobs; }

    /** Returns the end-user id, null when not set. */
    public String user() { return user; }

    /** Returns whether a stream asks for a usage chunk ({@code stream_options.include_usage}). */
    public Boolean includeUsage() { return includeUsage; }

    /** Returns the backend a router should send this request to, null to let it choose. Not sent. */
    public String backend() { return backend; }

    /** Returns provider fields sent verbatim at the top level, in insertion order. */
    public Map<String, Object> extra() { return extra; }

    @Override
    public String toString() {
        return "ChatRequest[model=" + model + ", messages=" + messages.size()
                + (tools.isEmpty() ? "" : ", tools=" + tools.size()) + "]";
    }

    /** Builds a {@link ChatRequest}; every setter validates its value. */
    public static final class Builder {
        private String model;
        private final List<ChatMessage> messages = new ArrayList<>();
        private Double temperature;
        private Double topP;
        private Integer maxTokens;
        private Integer maxCompletionTokens;
        private List<String> stop;
        private Long seed;
        private Integer n;
        private final List<Tool> tools = new ArrayList<>();
        private String toolChoice;
        private String toolChoiceFunction;
        private Boolean parallelToolCalls;
        private ResponseFormat responseFormat;
        private Double presencePenalty;
        private Double frequencyPenalty;
        private Boolean logprobs;
        private Integer topLogprobs;
        private String user;
        private Boolean includeUsage;
        private String backend;
        private final Map<String, Object> extra = new LinkedHashMap<>();

        private Builder() {
        }

        private Builder(ChatRequest r) {
            model = r.model;
            messages.addAll(r.messages);
            temperature = r.temperature;
            topP = r.topP;
            maxTokens = r.maxTokens;
            maxCompletionTokens = r.maxCompletionTokens;
            stop = r.stop;
            seed = r.seed;
            n = r.n;
            tools.addAll(r.tools);
            toolChoice = r.toolChoice;
            toolChoiceFunction = r.toolChoiceFunction;
            parallelToolCalls = r.parallelToolCalls;
            responseFormat = r.responseFormat;
            presencePenalty = r.presencePenalty;
            frequencyPenalty = r.frequencyPenalty;
            logprobs = r.logprobs;
            topLogprobs = r.topLogprobs;
            user = r.user;
            includeUsage = r.includeUsage;
            backend = r.backend;
            extra.putAll(r.extra);
        }

        /** Sets the model; without it the client's default model is used. */
        public Builder model(String model) {
            if (model != null && model.isBlank()) {
                throw new IllegalArgumentException("model must not be blank");
            }
            this.model = model;
            return this;
        }

        /** Appends a system message. */
        public Builder system(String text) {
            return message(ChatMessage.system(text));
        }

        /** Appends a user message. */
        public Builder user(String text) {
            return message(ChatMessage.user(text));
        }

        /** Appends an assistant message. */
        public Builder assistant(String text) {
            return message(ChatMessage.assistant(text));
        }

        /** Appends a message. */
        public Builder message(ChatMessage message) {
            messages.add(Objects.requireNonNull(message, "message"));
            return this;
        }

        /** Removes every message added so far, e.g. to rebuild the conversation of a copied request. */
        public Builder clearMessages() {
            messages.clear();
            return this;
        }

        /** Appends messages. */
        public Builder messages(List<ChatMessage> messages) {
            for (ChatMessage m : Objects.requireNonNull(messages, "messages")) {
                message(m);
            }
            return this;
        }

        /** Sets the sampling temperature, 0 to 2. */
        public Builder temperature(double temperature) {
            if (!(temperature >= 0 && temperature <= 2)) {
                throw new IllegalArgumentException("temperature must be between 0 and 2, got " + temperature);
            }
            this.temperature = temperature;
            return this;
        }

        /** Sets {@code top_p}, 0 to 1. */
        public Builder topP(double topP) {
            if (!(topP >= 0 && topP <= 1)) {
                throw new IllegalArgumentException("topP must be between 0 and 1, got " + topP);
            }
            this.topP = topP;
            return this;
        }

        /** Sets {@code max_tokens}, at least 1. */
        public Builder maxTokens(int maxTokens) {
            this.maxTokens = positive("maxTokens", maxTokens);
            return this;
        }

        /** Sets {@code max_completion_tokens} (OpenAI's newer name), at least 1. */
        public Builder maxCompletionTokens(int maxCompletionTokens) {
            this.maxCompletionTokens = positive("maxCompletionTokens", maxCompletionTokens);
            return this;
        }

        /** Sets the stop sequences. */
        public Builder stop(String... stop) {
            return stop(List.of(stop));
        }

        /** Sets the stop sequences. */
        public Builder stop(List<String> stop) {
            for (String s : stop) {
                if (s == null || s.isEmpty()) {
                    throw new IllegalArgumentException("stop sequences must not be empty");
                }
            }
            this.stop = List.copyOf(stop);
            return this;
        }

        /** Sets the seed. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Sets {@code n}, the number of choices, at least 1. */
        public Builder n(int n) {
            this.n = positive("n", n);
            return this;
        }

        /** Appends a tool the model may call. */
        public Builder tool(Tool tool) {
            tools.add(Objects.requireNonNull(tool, "tool"));
            return this;
        }

        /** Appends tools the model may call. */
        public Builder tools(List<Tool> tools) {
            tools.forEach(this::tool);
            return this;
        }

        /** Sets {@code tool_choice}: {@code auto}, {@code none} or {@code required}. */
        public Builder toolChoice(String toolChoice) {
            if (toolChoice != null && !TOOL_CHOICES.contains(toolChoice)) {
                throw new IllegalArgumentException("toolChoice must be one of auto, none, required; got '"
                        + toolChoice + "' (use toolChoiceFunction(name) to force one function)");
            }
            this.toolChoice = toolChoice;
            this.toolChoiceFunction = null;
            return this;
        }

        /** Forces the model to call the named function. */
        public Builder toolChoiceFunction(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("toolChoiceFunction name must not be blank");
            }
            this.toolChoiceFunction = name;
            this.toolChoice = null;
            return this;
        }

        /** Sets {@code parallel_tool_calls}. */
        public Builder parallelToolCalls(boolean parallelToolCalls) {
            this.parallelToolCalls = parallelToolCalls;
            return this;
        }

        /** Sets the response format. */
        public Builder responseFormat(ResponseFormat responseFormat) {
            this.responseFormat = responseFormat;
            return this;
        }

        /** Sets {@code presence_penalty}, -2 to 2. */
        public Builder presencePenalty(double penalty) {
            this.presencePenalty = penalty("presencePenalty", penalty);
            return this;
        }

        /** Sets {@code frequency_penalty}, -2 to 2. */
        public Builder frequencyPenalty(double penalty) {
            this.frequencyPenalty = penalty("frequencyPenalty", penalty);
            return this;
        }

        /** Sets {@code logprobs}. */
        public Builder logprobs(boolean logprobs) {
            this.logprobs = logprobs;
            return this;
        }

        /** Sets {@code top_logprobs}, 0 to 20; also turns {@code logprobs} on. */
        public Builder topLogprobs(int topLogprobs) {
            if (topLogprobs < 0 || topLogprobs > 20) {
                throw new IllegalArgumentException("topLogprobs must be between 0 and 20, got " + topLogprobs);
            }
            this.topLogprobs = topLogprobs;
            this.logprobs = true;
            return this;
        }

        /** Sets the end-user id ({@code user}). */
        public Builder endUser(String user) {
            this.user = user;
            return this;
        }

        /** Asks a stream for a final usage chunk ({@code stream_options: {include_usage: true}}). */
        public Builder includeUsage(boolean includeUsage) {
            this.includeUsage = includeUsage;
            return this;
        }

        /** Sets {@code top_k} (vLLM, SGLang, llama.cpp, Ollama), at least 1 (or -1 for all). */
        public Builder topK(int topK) {
            if (topK == 0 || topK < -1) {
                throw new IllegalArgumentException("topK must be at least 1, or -1 to disable; got " + topK);
            }
            return extra("top_k", topK);
        }

        /** Sets {@code min_p}, 0 to 1. */
        public Builder minP(double minP) {
            if (!(minP >= 0 && minP <= 1)) {
                throw new IllegalArgumentException("minP must be between 0 and 1, got " + minP);
            }
            return extra("min_p", minP);
        }

        /** Sets {@code repetition_penalty}, above 0 (1 means none). */
        public Builder repetitionPenalty(double penalty) {
            if (!(penalty > 0)) {
                throw new IllegalArgumentException("repetitionPenalty must be above 0, got " + penalty);
            }
            return extra("repetition_penalty", penalty);
        }

        /** Sets {@code chat_template_kwargs} (vLLM, SGLang), e.g. {@code enable_thinking}. */
        public Builder chatTemplateKwargs(Map<String, ?> kwargs) {
            return extra("chat_template_kwargs", new LinkedHashMap<>(kwargs));
        }

        /** Names the backend a router should use; not sent to the server. */
        public Builder backend(String backend) {
            this.backend = backend;
            return this;
        }

        /**
         * Sends a provider field verbatim at the top level of the request body; the value may be
         * anything Jackson serializes. A null value removes the field.
         */
        public Builder extra(String key, Object value) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("extra key must not be blank");
            }
            if (value == null) {
                extra.remove(key);
            } else {
                extra.put(key, value);
            }
            return this;
        }

        /** Builds the request. */
        public ChatRequest build() {
            if (toolChoiceFunction != null && tools.stream().noneMatch(t -> t.name().equals(toolChoiceFunction))) {
                throw new IllegalArgumentException("toolChoiceFunction '" + toolChoiceFunction
                        + "' names no tool of this request");
            }
            return new ChatRequest(this);
        }

        private static int positive(String field, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(field + " must be at least 1, got " + value);
            }
            return value;
        }

        private static double penalty(String field, double value) {
            if (!(value >= -2 && value <= 2)) {
                throw new IllegalArgumentException(field + " must be between -2 and 2, got " + value);
            }
            return value;
        }
    }
}
