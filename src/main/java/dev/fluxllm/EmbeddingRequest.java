package dev.fluxllm;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Describes a {@code POST /embeddings} call: one text or a list of texts.
 *
 * <pre>{@code
 * EmbeddingRequest.builder().model("bge-m3").inputs(List.of("a", "b")).encodingFormat("base64").build()
 * }</pre>
 */
public final class EmbeddingRequest {

    /** {@code encoding_format} value for JSON float arrays. */
    public static final String FLOAT = "float";
    /** {@code encoding_format} value for base64 little-endian float32 (smaller on the wire). */
    public static final String BASE64 = "base64";

    private final String model;
    private final Object input;
    private final String encodingFormat;
    private final Integer dimensions;
    private final String user;
    private final Map<String, Object> extra;

    private EmbeddingRequest(Builder b) {
        this.model = b.model;
        this.input = b.input;
        this.encodingFormat = b.encodingFormat;
        this.dimensions = b.dimensions;
        this.user = b.user;
        this.extra = Collections.unmodifiableMap(new LinkedHashMap<>(b.extra));
    }

    /** Starts a request; an input is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the model, null to use the client's default. */
    public String model() { return model; }

    /** Returns the input: a {@code String} or a {@code List<String>}. */
    public Object input() { return input; }

    /** Returns {@code float}, {@code base64}, or null when not sent (servers default to float). */
    public String encodingFormat() { return encodingFormat; }

    /** Returns the requested dimensions, null when not sent. */
    public Integer dimensions() { return dimensions; }

    /** Returns the end-user id sent as {@code user}, null when not sent. */
    public String user() { return user; }

    /** Returns extra top-level fields, sent verbatim. */
    public Map<String, Object> extra() { return extra; }

    /** Builds an {@link EmbeddingRequest}. */
    public static final class Builder {
        private String model;
        private Object input;
        private String encodingFormat;
        private Integer dimensions;
        private String user;
        private final Map<String, Object> extra = new LinkedHashMap<>();

        private Builder() {
        }

        /** Sets the model; default: the client's default model. */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** Embeds one text (sent as a JSON string). */
        public Builder input(String text) {
            this.input = Objects.requireNonNull(text, "input");
            return this;
        }

        /** Embeds several texts (sent as a JSON array); the answer keeps their order. */
        public Builder inputs(List<String> texts) {
            if (texts == null || texts.isEmpty()) {
                throw new IllegalArgumentException("inputs must not be empty");
            }
            this.input = List.copyOf(texts);
            return this;
        }

        /** Sets {@code encoding_format}: {@value #FLOAT} or {@value #BASE64} (default: not sent, i.e. float). */
        public Builder encodingFormat(String format) {
            if (!FLOAT.equals(format) && !BASE64.equals(format)) {
                throw new IllegalArgumentException("encodingFormat must be float or base64, got: " + format);
            }
            this.encodingFormat = format;
            return this;
        }

        /** Sets {@code dimensions} (default: not sent). */
        public Builder dimensions(int dimensions) {
            if (dimensions < 1) {
                throw new IllegalArgumentException("dimensions must be at least 1, got " + dimensions);
            }
            this.dimensions = dimensions;
            return this;
        }

        /** Sets the end-user id sent as {@code user} (default: not sent). */
        public Builder endUser(String user) {
            this.user = user;
            return this;
        }

        /** Adds a top-level field sent verbatim; it wins over a typed one of the same name. */
        public Builder extra(String key, Object value) {
            extra.put(Objects.requireNonNull(key, "key"), value);
            return this;
        }

        /** Builds the request; fails when no input was set. */
        public EmbeddingRequest build() {
            if (input == null) {
                throw new IllegalArgumentException("input is required: call input(text) or inputs(texts)");
            }
            return new EmbeddingRequest(this);
        }
    }
}
