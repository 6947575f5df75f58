package dev.fluxllm.mcp;

import java.time.Duration;
import java.util.Objects;

/**
 * Configures how one MCP server's tools are offered: a name prefix, the per-call timeout, how much
 * of a description and of a result reaches the model, where list changes and cancellations go.
 * Immutable; built with {@link #builder()}.
 */
public final class McpToolsOptions {

    /** Default longest {@code tools/call}: 60 s. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(60);
    /** Default longest tool description sent to the model: 1,024 characters. */
    public static final int DEFAULT_MAX_DESCRIPTION_CHARS = 1024;
    /** Default longest tool result sent to the model: 16,384 characters. */
    public static final int DEFAULT_MAX_RESULT_CHARS = 16_384;

    private static final McpToolsOptions DEFAULTS = builder().build();

    private final String prefix;
    private final Duration callTimeout;
    private final int maxDescriptionChars;
    private final int maxResultChars;
    private final McpToolChanges changes;
    private final McpCancellation cancellation;

    private McpToolsOptions(Builder b) {
        this.prefix = b.prefix;
        this.callTimeout = b.callTimeout;
        this.maxDescriptionChars = b.maxDescriptionChars;
        this.maxResultChars = b.maxResultChars;
        this.changes = b.changes;
        this.cancellation = b.cancellation;
    }

    /** Returns the defaults: no prefix, 60 s calls, 1,024-character descriptions, 16,384-character results. */
    public static McpToolsOptions defaults() {
        return DEFAULTS;
    }

    /** Starts options from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    public String prefix() { return prefix; }

    public Duration callTimeout() { return callTimeout; }

    public int maxDescriptionChars() { return maxDescriptionChars; }

    public int maxResultChars() { return maxResultChars; }

    public McpToolChanges changes() { return changes; }

    public McpCancellation cancellation() { return cancellation; }

    /** Builds {@link McpToolsOptions}; every setter validates its value. */
    public static final class Builder {
        private String prefix = "";
        private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
        private int maxDescriptionChars = DEFAULT_MAX_DESCRIPTION_CHARS;
        private int maxResultChars = DEFAULT_MAX_RESULT_CHARS;
        private McpToolChanges changes;
        private McpCancellation cancellation;

        private Builder() {
        }

        /**
         * Sets a prefix put before each tool's name, e.g. {@code github_}, so two servers' tools of
         * the same name do not collide (default none). It must itself fit a function name.
         */
        public Builder prefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (!prefix.isEmpty() && !prefix.matches("[a-zA-Z0-9_-]{1,32}")) {
                throw new IllegalArgumentException("prefix must match [a-zA-Z0-9_-]{1,32}, got: " + prefix);
            }
            this.prefix = prefix;
            return this;
        }

        /** Sets the longest {@code tools/call}; a slower call fails as a tool error (default 60 s). */
        public Builder callTimeout(Duration timeout) {
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("callTimeout must be positive, got " + timeout);
            }
            this.callTimeout = timeout;
            return this;
        }

        /** Sets the longest description sent; longer ones are cut with a note (default 1,024). */
        public Builder maxDescriptionChars(int chars) {
            this.maxDescriptionChars = atLeast("maxDescriptionChars", chars, 16);
            return this;
        }

        /** Sets the longest result sent to the model; longer ones are cut with a note (default 16,384). */
        public Builder maxResultChars(int chars) {
            this.maxResultChars = atLeast("maxResultChars", chars, 64);
            return this;
        }

        /** Follows the server's tool-list changes through this go-between (default: the list is read once). */
        public Builder changes(McpToolChanges changes) {
            this.changes = Objects.requireNonNull(changes, "changes");
            return this;
        }

        /**
         * Sends {@code notifications/cancelled} through this transport wrapper when a call is
         * cancelled (default: a cancelled call is only abandoned, the server is not told).
         */
        public Builder cancellation(McpCancellation cancellation) {
            this.cancellation = Objects.requireNonNull(cancellation, "cancellation");
            return this;
        }

        /** Builds the options. */
        public McpToolsOptions build() {
            return new McpToolsOptions(this);
        }

        private static int atLeast(String field, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(field + " must be at least " + min + ", got " + value);
            }
            return value;
        }
    }
}
