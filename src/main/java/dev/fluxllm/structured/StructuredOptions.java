package dev.fluxllm.structured;

import java.util.Objects;

/**
 * Configures typed outputs: how the answer is asked for, whether the schema is strict, and how many
 * times a model whose answer broke the schema is told so and asked again. Immutable; built with
 * {@link #builder()}.
 */
public final class StructuredOptions {

    /** Default number of repairs: 0 (an invalid answer fails at once). */
    public static final int DEFAULT_MAX_REPAIRS = 0;

    private static final StructuredOptions DEFAULTS = builder().build();

    private final StructuredMode mode;
    private final boolean strict;
    private final int maxRepairs;
    private final String schemaName;

    private StructuredOptions(Builder b) {
        this.mode = b.mode;
        this.strict = b.strict;
        this.maxRepairs = b.maxRepairs;
        this.schemaName = b.schemaName;
    }

    /** Returns the defaults: {@link StructuredMode#AUTO}, strict, no repairs, the type's name as schema name. */
    public static StructuredOptions defaults() {
        return DEFAULTS;
    }

    /** Starts options from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns how the answer is asked for. */
    public StructuredMode mode() {
        return mode;
    }

    /** Returns whether {@code json_schema} is sent with {@code strict: true}. */
    public boolean strict() {
        return strict;
    }

    /** Returns how many times an invalid answer is sent back to the model with its violations. */
    public int maxRepairs() {
        return maxRepairs;
    }

    /** Returns the schema name sent, null to use the type's simple name. */
    public String schemaName() {
        return schemaName;
    }

    @Override
    public String toString() {
        return "StructuredOptions[mode=" + mode + ", strict=" + strict + ", maxRepairs=" + maxRepairs
                + (schemaName == null ? "" : ", schemaName=" + schemaName) + "]";
    }

    /** Builds {@link StructuredOptions}; every setter validates its value. */
    public static final class Builder {
        private StructuredMode mode = StructuredMode.AUTO;
        private boolean strict = true;
        private int maxRepairs = DEFAULT_MAX_REPAIRS;
        private String schemaName;

        private Builder() {
        }

        /** Sets how the answer is asked for (default {@link StructuredMode#AUTO}). */
        public Builder mode(StructuredMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Sets whether the schema is sent as strict (default true). */
        public Builder strict(boolean strict) {
            this.strict = strict;
            return this;
        }

        /**
         * Sets how many times an answer that is not JSON, breaks the schema or cannot be mapped is
         * sent back with what was wrong and asked again (default 0). A refusal, a cut-off or a
         * filtered answer is never repaired.
         */
        public Builder maxRepairs(int maxRepairs) {
            if (maxRepairs < 0 || maxRepairs > 10) {
                throw new IllegalArgumentException("maxRepairs must be between 0 and 10, got " + maxRepairs);
            }
            this.maxRepairs = maxRepairs;
            return this;
        }

        /** Sets the schema name sent in {@code json_schema} (default: the type's simple name); {@code [A-Za-z0-9_-]}, at most 64. */
        public Builder schemaName(String schemaName) {
            if (schemaName != null && !schemaName.matches("[A-Za-z0-9_-]{1,64}")) {
                throw new IllegalArgumentException("schemaName must match [A-Za-z0-9_-]{1,64}, got: " + schemaName);
            }
            this.schemaName = schemaName;
            return this;
        }

        /** Builds the options. */
        public StructuredOptions build() {
            return new StructuredOptions(this);
        }
    }
}
