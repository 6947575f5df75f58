package dev.fluxllm;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Describes what a backend can do, as configured on the client (the server is not asked).
 * Defaults: streaming, tool calling, JSON mode and JSON-schema outputs on, vision off, context size unknown.
 * Provider presets fill in their own values.
 */
public final class Capabilities {

    private static final Capabilities DEFAULTS = builder().build();

    private final boolean streaming;
    private final boolean toolCalling;
    private final boolean jsonMode;
    private final boolean jsonSchema;
    private final boolean vision;
    private final Integer maxContextTokens;

    private Capabilities(Builder b) {
        this.streaming = b.streaming;
        this.toolCalling = b.toolCalling;
        this.jsonMode = b.jsonMode;
        this.jsonSchema = b.jsonSchema;
        this.vision = b.vision;
        this.maxContextTokens = b.maxContextTokens;
    }

    /** Returns the defaults: streaming, tool calling and JSON mode on, vision off, context size unknown. */
    public static Capabilities defaults() {
        return DEFAULTS;
    }

    /** Starts capabilities from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder holding these values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.streaming = streaming;
        b.toolCalling = toolCalling;
        b.jsonMode = jsonMode;
        b.jsonSchema = jsonSchema;
        b.vision = vision;
        b.maxContextTokens = maxContextTokens;
        return b;
    }

    /** Returns whether the backend streams ({@code stream: true}). */
    public boolean streaming() { return streaming; }

    /** Returns whether the backend accepts {@code tools} and returns tool calls. */
    public boolean toolCalling() { return toolCalling; }

    /** Returns whether the backend honours {@code response_format} JSON mode. */
    public boolean jsonMode() { return jsonMode; }

    /**
     * Returns whether the backend honours {@code response_format} of type {@code json_schema}
     * (structured outputs); when false, typed outputs fall back to {@code json_object} with the
     * schema in a system message, and validate the answer the same way.
     */
    public boolean jsonSchema() { return jsonSchema; }

    /** Returns whether the backend accepts image content parts. */
    public boolean vision() { return vision; }

    /** Returns the largest context in tokens, null when unknown. */
    public Integer maxContextTokens() { return maxContextTokens; }

    /** Returns the values under their snake_case JSON names, in a fixed order. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("streaming", streaming);
        m.put("tool_calling", toolCalling);
        m.put("json_mode", jsonMode);
        m.put("vision", vision);
        m.put("max_context_tokens", maxContextTokens);
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Capabilities c && c.toMap().equals(toMap()) && c.jsonSchema == jsonSchema;
    }

    @Override
    public int hashCode() {
        return Objects.hash(streaming, toolCalling, jsonMode, jsonSchema, vision, maxContextTokens);
    }

    @Override
    public String toString() {
        return "Capabilities" + toMap();
    }

    /** Builds {@link Capabilities}. */
    public static final class Builder {
        private boolean streaming = true;
        private boolean toolCalling = true;
        private boolean jsonMode = true;
        private boolean jsonSchema = true;
        private boolean vision;
        private Integer maxContextTokens;

        private Builder() {
        }

        /** Sets whether the backend streams (default true). */
        public Builder streaming(boolean streaming) {
            this.streaming = streaming;
            return this;
        }

        /** Sets whether the backend does tool calling (default true). */
        public Builder toolCalling(boolean toolCalling) {
            this.toolCalling = toolCalling;
            return this;
        }

        /** Sets whether the backend honours JSON mode (default true). */
        public Builder jsonMode(boolean jsonMode) {
            this.jsonMode = jsonMode;
            return this;
        }

        /** Sets whether the backend honours {@code json_schema} response formats (default true). */
        public Builder jsonSchema(boolean jsonSchema) {
            this.jsonSchema = jsonSchema;
            return this;
        }

        /** Sets whether the backend accepts images (default false). */
        public Builder vision(boolean vision) {
            this.vision = vision;
            return this;
        }

        /** Sets the largest context in tokens; null (the default) means unknown. */
        public Builder maxContextTokens(Integer maxContextTokens) {
            if (maxContextTokens != null && maxContextTokens < 1) {
                throw new IllegalArgumentException("maxContextTokens must be at least 1, got " + maxContextTokens);
            }
            this.maxContextTokens = maxContextTokens;
            return this;
        }

        /** Builds the capabilities. */
        public Capabilities build() {
            return new Capabilities(this);
        }
    }
}
