package dev.fluxllm;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Describes a legacy text completion ({@code POST /completions}): a raw prompt, no chat template.
 *
 * <pre>{@code
 * CompletionRequest.builder().prompt("def fib(n):").maxTokens(64).stop("\n\n").build()
 * }</pre>
 */
public final class CompletionRequest {

    private final String model;
    private final Object prompt;
    private final Integer maxTokens;
    private final Double temperature;
    private final Double topP;
    private final List<String> stop;
    private final Long seed;
    private final Integer n;
    private final Boolean echo;
    private final String suffix;
    private final Integer logprobs;
    private final Boolean includeUsage;
    private final Map<String, Object> extra;

    private CompletionRequest(Builder b) {
        this.model = b.model;
        this.prompt = b.prompt;
        this.maxTokens = b.maxTokens;
        this.temperature = b.temperature;
        this.topP = b.topP;
        this.stop = b.stop;
        this.seed = b.seed;
        this.n = b.n;
        this.echo = b.echo;
        this.suffix = b.suffix;
        this.logprobs = b.logprobs;
        this.includeUsage = b.includeUsage;
        this.extra = Collections.unmodifiableMap(new LinkedHashMap<>(b.extra));
    }

    /** Starts a request; a prompt is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the model, null to use the client's default. */
    public String model() { return model; }

    /** Returns the prompt: a {@code String} or a {@code List<String>}. */
    public Object prompt() { return prompt; }

    /** Returns {@code max_tokens}, null when not sent. */
    public Integer maxTokens() { return maxTokens; }

    /** Returns {@code temperature}, null when not sent. */
    public Double temperature() { return temperature; }

    /** Returns {@code top_p}, null when not sent. */
    public Double topP() { return topP; }

    /** Returns the stop sequences, null when not sent. */
    public List<String> stop() { return stop; }

    /** Returns {@code seed}, null when not sent. */
    public Long seed() { return seed; }

    /** Returns {@code n}, null when not sent. */
    public Integer n() { return n; }

    /** Returns {@code echo}, null when not sent. */
    public Boolean echo() { return echo; }

    /** Returns {@code suffix}, null when not sent. */
    public String suffix() { return suffix; }

    /** Returns {@code logprobs} (a count for this endpoint), null when not sent. */
    public Integer logprobs() { return logprobs; }

    /** Returns whether a stream asks for usage ({@code stream_options.include_usage}), null when not sent. */
    public Boolean includeUsage() { return includeUsage; }

    /** Returns extra top-level fields, sent verbatim. */
    public Map<String, Object> extra() { return extra; }

    /** Builds a {@link CompletionRequest}; every option is left out of the body unless set. */
    public static final class Builder {
        private String model;
        private Object prompt;
        private Integer maxTokens;
        private Double temperature;
        private Double topP;
        private List<String> stop;
        private Long seed;
        private Integer n;
        private Boolean echo;
        private String suffix;
        private Integer logprobs;
        private Boolean includeUsage;
        private final Map<String, Object> extra = new LinkedHashMap<>();

        private Builder() {
        }

        /** Sets the model; default: the client's default model. */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** Sets the prompt text. */
        public Builder prompt(String prompt) {
            this.prompt = Objects.requireNonNull(prompt, "prompt");
            return this;
        }

        /** Sets several prompts (one choice set per prompt). */
        public Builder prompts(List<String> prompts) {
            if (prompts == null || prompts.isEmpty()) {
                throw new IllegalArgumentException("prompts must not be empty");
            }
            this.prompt = List.copyOf(prompts);
            return this;
        }

        /** Sets {@code max_tokens}. */
        public Builder maxTokens(int maxTokens) {
            if (maxTokens < 1) {
                throw new IllegalArgumentException("maxTokens must be at least 1, got " + maxTokens);
            }
            this.maxTokens = maxTokens;
            return this;
        }

        /** Sets {@code temperature}. */
        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /** Sets {@code top_p}. */
        public Builder topP(double topP) {
            this.topP = topP;
            return this;
        }

        /** Sets the stop sequences. */
        public Builder stop(String... stop) {
            this.stop = List.of(stop);
            return this;
        }

        /** Sets {@code seed}. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Sets {@code n}. */
        public Builder n(int n) {
            this.n = n;
            return this;
        }

        /** Sets {@code echo}: return the prompt before the completion. */
        public Builder echo(boolean echo) {
            this.echo = echo;
            return this;
        }

        /** Sets {@code suffix}, the text after the insertion point. */
        public Builder suffix(String suffix) {
            this.suffix = suffix;
            return this;
        }

        /** Sets {@code logprobs}: how many most likely tokens to report per position. */
        public Builder logprobs(int logprobs) {
            this.logprobs = logprobs;
            return this;
        }

        /** Asks a stream to end with a usage chunk ({@code stream_options.include_usage}). */
        public Builder includeUsage(boolean includeUsage) {
            this.includeUsage = includeUsage;
            return this;
        }

        /** Adds a top-level field sent verbatim; it wins over a typed one of the same name. */
        public Builder extra(String key, Object value) {
            extra.put(Objects.requireNonNull(key, "key"), value);
            return this;
        }

        /** Builds the request; fails when no prompt was set. */
        public CompletionRequest build() {
            if (prompt == null) {
                throw new IllegalArgumentException("prompt is required: call prompt(text) or prompts(texts)");
            }
            return new CompletionRequest(this);
        }
    }
}
