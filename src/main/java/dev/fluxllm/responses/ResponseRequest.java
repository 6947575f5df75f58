package dev.fluxllm.responses;

import dev.fluxllm.ResponseFormat;
import dev.fluxllm.Tool;
import dev.fluxllm.internal.schema.TypeBinding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Describes one {@code POST /responses} call. Immutable; built with {@link #builder()}, changed
 * with {@link #toBuilder()}. Absent options are not sent, so the server applies its defaults.
 *
 * <pre>{@code
 * ResponseRequest request = ResponseRequest.builder()
 *     .instructions("You are terse.")
 *     .input("What is the weather in Paris?")
 *     .tool(Tool.from("get_weather", "Weather for a city", WeatherQuery.class))
 *     .maxOutputTokens(400)
 *     .build();
 * }</pre>
 */
public final class ResponseRequest {

    private final String model;
    private final String instructions;
    private final String inputText;
    private final List<InputItem> inputItems;
    private final List<Tool> tools;
    private final String toolChoice;
    private final String toolChoiceFunction;
    private final Integer maxOutputTokens;
    private final Double temperature;
    private final Double topP;
    private final String previousResponseId;
    private final Boolean store;
    private final String reasoningEffort;
    private final String reasoningSummary;
    private final List<String> include;
    private final ResponseFormat textFormat;
    private final Boolean parallelToolCalls;
    private final Map<String, String> metadata;
    private final Map<String, Object> extra;

    private ResponseRequest(Builder b) {
        this.model = b.model;
        this.instructions = b.instructions;
        this.inputText = b.inputText;
        this.inputItems = List.copyOf(b.inputItems);
        this.tools = List.copyOf(b.tools);
        this.toolChoice = b.toolChoice;
        this.toolChoiceFunction = b.toolChoiceFunction;
        this.maxOutputTokens = b.maxOutputTokens;
        this.temperature = b.temperature;
        this.topP = b.topP;
        this.previousResponseId = b.previousResponseId;
        this.store = b.store;
        this.reasoningEffort = b.reasoningEffort;
        this.reasoningSummary = b.reasoningSummary;
        this.include = List.copyOf(b.include);
        this.textFormat = b.textFormat;
        this.parallelToolCalls = b.parallelToolCalls;
        this.metadata = Map.copyOf(b.metadata);
        this.extra = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.extra));
    }

    /** Starts a request. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder holding this request's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Returns the model, null to use the client's default. */
    public String model() { return model; }

    /** Returns the instructions (a system or developer message that does not persist), null when none. */
    public String instructions() { return instructions; }

    /** Returns the input when it is one text, else null. */
    public String inputText() { return inputText; }

    /** Returns the input items, empty when the input is one text. */
    public List<InputItem> inputItems() { return inputItems; }

    /** Returns the tools, empty when none. */
    public List<Tool> tools() { return tools; }

    /** Returns {@code auto}, {@code none} or {@code required}, null when not set. */
    public String toolChoice() { return toolChoice; }

    /** Returns the one function the model must call, null when not set. */
    public String toolChoiceFunction() { return toolChoiceFunction; }

    /** Returns {@code max_output_tokens}, null when not set. */
    public Integer maxOutputTokens() { return maxOutputTokens; }

    /** Returns the sampling temperature, null when not set. */
    public Double temperature() { return temperature; }

    /** Returns {@code top_p}, null when not set. */
    public Double topP() { return topP; }

    /** Returns the response this one continues ({@code previous_response_id}), null when none. */
    public String previousResponseId() { return previousResponseId; }

    /** Returns whether the server stores the response, null for its default. */
    public Boolean store() { return store; }

    /** Returns {@code reasoning.effort}, null when not set. */
    public String reasoningEffort() { return reasoningEffort; }

    /** Returns {@code reasoning.summary}, null when not set. */
    public String reasoningSummary() { return reasoningSummary; }

    /** Returns the {@code include} values, e.g. {@code reasoning.encrypted_content}. */
    public List<String> include() { return include; }

    /** Returns the {@code text.format}, null for plain text. */
    public ResponseFormat textFormat() { return textFormat; }

    /** Returns {@code parallel_tool_calls}, null when not set. */
    public Boolean parallelToolCalls() { return parallelToolCalls; }

    /** Returns the metadata, empty when none. */
    public Map<String, String> metadata() { return metadata; }

    /** Returns other fields sent verbatim at the top level, in insertion order. */
    public Map<String, Object> extra() { return extra; }

    @Override
    public String toString() {
        return "ResponseRequest[model=" + model + ", input=" + (inputText != null ? "text" : inputItems.size() + " items")
                + (tools.isEmpty() ? "" : ", tools=" + tools.size())
                + (previousResponseId == null ? "" : ", previousResponseId=" + previousResponseId) + "]";
    }

    /** Builds a {@link ResponseRequest}; every setter validates its value. */
    public static final class Builder {
        private String model;
        private String instructions;
        private String inputText;
        private final List<InputItem> inputItems = new ArrayList<>();
        private final List<Tool> tools = new ArrayList<>();
        private String toolChoice;
        private String toolChoiceFunction;
        private Integer maxOutputTokens;
        private Double temperature;
        private Double topP;
        private String previousResponseId;
        private Boolean store;
        private String reasoningEffort;
        private String reasoningSummary;
        private final List<String> include = new ArrayList<>();
        private ResponseFormat textFormat;
        private Boolean parallelToolCalls;
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private final Map<String, Object> extra = new LinkedHashMap<>();

        private Builder() {
        }

        private Builder(ResponseRequest r) {
            model = r.model;
            instructions = r.instructions;
            inputText = r.inputText;
            inputItems.addAll(r.inputItems);
            tools.addAll(r.tools);
            toolChoice = r.toolChoice;
            toolChoiceFunction = r.toolChoiceFunction;
            maxOutputTokens = r.maxOutputTokens;
            temperature = r.temperature;
            topP = r.topP;
            previousResponseId = r.previousResponseId;
            store = r.store;
            reasoningEffort = r.reasoningEffort;
            reasoningSummary = r.reasoningSummary;
            include.addAll(r.include);
            textFormat = r.textFormat;
            parallelToolCalls = r.parallelToolCalls;
            metadata.putAll(r.metadata);
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

        /** Sets the instructions: a system (developer) message for this response only. */
        public Builder instructions(String instructions) {
            this.instructions = instructions;
            return this;
        }

        /** Sets the input to one user text; replaces any input items. */
        public Builder input(String text) {
            this.inputText = Objects.requireNonNull(text, "input");
            this.inputItems.clear();
            return this;
        }

        /** Sets the input to these items; replaces any input text or earlier items. */
        public Builder input(List<InputItem> items) {
            Objects.requireNonNull(items, "input");
            items.forEach(i -> Objects.requireNonNull(i, "input item"));
            this.inputText = null;
            this.inputItems.clear();
            this.inputItems.addAll(items);
            return this;
        }

        /** Appends an input item (turning a text input into its user message first). */
        public Builder addInput(InputItem item) {
            Objects.requireNonNull(item, "item");
            if (inputText != null) {
                inputItems.add(InputItem.user(inputText));
                inputText = null;
            }
            inputItems.add(item);
            return this;
        }

        /** Adds a function tool (sent flat: {@code {"type":"function","name",...}}). */
        public Builder tool(Tool tool) {
            tools.add(Objects.requireNonNull(tool, "tool"));
            return this;
        }

        /** Adds function tools. */
        public Builder tools(List<Tool> tools) {
            Objects.requireNonNull(tools, "tools").forEach(this::tool);
            return this;
        }

        /** Sets {@code tool_choice}: {@code auto}, {@code none} or {@code required}. */
        public Builder toolChoice(String toolChoice) {
            if (toolChoice != null && !toolChoice.equals("auto") && !toolChoice.equals("none")
                    && !toolChoice.equals("required")) {
                throw new IllegalArgumentException("toolChoice must be auto, none or required, got: " + toolChoice);
            }
            this.toolChoice = toolChoice;
            return this;
        }

        /** Forces a call of the named function ({@code {"type":"function","name":...}}). */
        public Builder toolChoiceFunction(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("toolChoiceFunction name must not be blank");
            }
            this.toolChoiceFunction = name;
            return this;
        }

        /** Sets {@code max_output_tokens} (reasoning included), at least 1. */
        public Builder maxOutputTokens(int maxOutputTokens) {
            if (maxOutputTokens < 1) {
                throw new IllegalArgumentException("maxOutputTokens must be at least 1, got " + maxOutputTokens);
            }
            this.maxOutputTokens = maxOutputTokens;
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

        /** Continues a stored response: the server keeps the conversation so far. */
        public Builder previousResponseId(String id) {
            if (id != null && id.isBlank()) {
                throw new IllegalArgumentException("previousResponseId must not be blank");
            }
            this.previousResponseId = id;
            return this;
        }

        /** Sets whether the server stores the response (for {@code previous_response_id}); false for stateless use. */
        public Builder store(boolean store) {
            this.store = store;
            return this;
        }

        /** Sets {@code reasoning.effort}, e.g. {@code minimal}, {@code low}, {@code medium}, {@code high}. */
        public Builder reasoningEffort(String effort) {
            this.reasoningEffort = requireToken("reasoningEffort", effort);
            return this;
        }

        /** Sets {@code reasoning.summary}: {@code auto}, {@code concise} or {@code detailed}. */
        public Builder reasoningSummary(String summary) {
            this.reasoningSummary = requireToken("reasoningSummary", summary);
            return this;
        }

        /** Adds an {@code include} value, e.g. {@code reasoning.encrypted_content}. */
        public Builder include(String value) {
            include.add(requireToken("include", value));
            return this;
        }

        /** Sets {@code text.format} from a response format (text, JSON object or JSON schema). */
        public Builder textFormat(ResponseFormat format) {
            this.textFormat = format;
            return this;
        }

        /** Sets {@code text.format} to the strict JSON Schema of {@code type}. */
        public Builder textFormat(Class<?> type) {
            TypeBinding<?> binding = TypeBinding.of(Objects.requireNonNull(type, "type"));
            this.textFormat = new ResponseFormat("json_schema", binding.name(), binding.objectSchemaJson(), true);
            return this;
        }

        /** Sets {@code parallel_tool_calls}. */
        public Builder parallelToolCalls(boolean parallel) {
            this.parallelToolCalls = parallel;
            return this;
        }

        /** Adds a metadata entry. */
        public Builder metadata(String key, String value) {
            metadata.put(requireToken("metadata key", key), Objects.requireNonNull(value, "metadata value"));
            return this;
        }

        /** Sets any other field, verbatim at the top level; wins over a typed field of the same name. */
        public Builder extra(String name, Object value) {
            extra.put(requireToken("extra name", name), value);
            return this;
        }

        /**
         * Builds the request.
         *
         * @throws IllegalArgumentException when there is no input, or the forced function is not a tool
         */
        public ResponseRequest build() {
            if (inputText == null && inputItems.isEmpty()) {
                throw new IllegalArgumentException("input must not be empty: set input(text) or input(items)");
            }
            if (toolChoiceFunction != null && tools.stream().noneMatch(t -> t.name().equals(toolChoiceFunction))) {
                throw new IllegalArgumentException("toolChoiceFunction '" + toolChoiceFunction + "' names no tool of this request");
            }
            return new ResponseRequest(this);
        }

        private static String requireToken(String field, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(field + " must not be blank");
            }
            return value;
        }
    }
}
