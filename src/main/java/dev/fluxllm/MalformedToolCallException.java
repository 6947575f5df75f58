package dev.fluxllm;

import java.util.List;

/**
 * Signals that a tool call's arguments are not a JSON object, or break the schema of the type a
 * caller asked for ({@link ToolCall#parsedArguments(Class)}); {@link #violations()} then says where.
 */
public class MalformedToolCallException extends OpenAiCompatException {

    private final List<SchemaViolation> violations;

    /** Creates the exception. */
    public MalformedToolCallException(String message, ErrorDetails details, Throwable cause) {
        this(message, details, cause, List.of());
    }

    /** Creates the exception with the schema violations of the arguments. */
    public MalformedToolCallException(String message, ErrorDetails details, Throwable cause,
                                      List<SchemaViolation> violations) {
        super(message, details, cause);
        this.violations = List.copyOf(violations);
    }

    /** Creates the exception with a message alone. */
    public MalformedToolCallException(String message) {
        this(message, ErrorDetails.of(false), null);
    }

    /** Returns how the arguments break the schema, empty when they are not JSON at all or no schema applied. */
    public List<SchemaViolation> violations() {
        return violations;
    }
}
