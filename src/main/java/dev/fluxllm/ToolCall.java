package dev.fluxllm;

import dev.fluxllm.internal.json.Json;
import dev.fluxllm.internal.json.ToolArguments;
import dev.fluxllm.internal.schema.TypeBinding;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Holds one tool call requested by the model, assembled.
 *
 * <p>{@link #arguments()} is the raw text exactly as received. Arguments that are not a JSON
 * object are kept as they are, never replaced by {@code {}}: {@link #argumentsValid()} is then
 * false so the caller can tell the model instead of running the tool. Blank arguments mean a call
 * without arguments.
 */
public final class ToolCall {

    private final String id;
    private final String type;
    private final String name;
    private final String arguments;
    private final boolean argumentsValid;

    /** Creates a call of type {@code function}. */
    public ToolCall(String id, String name, String arguments) {
        this(id, "function", name, arguments);
    }

    /** Creates a call; null strings become "". */
    public ToolCall(String id, String type, String name, String arguments) {
        this.id = id == null ? "" : id;
        this.type = type == null || type.isEmpty() ? "function" : type;
        this.name = name == null ? "" : name;
        this.arguments = arguments == null ? "" : arguments;
        this.argumentsValid = ToolArguments.isValid(this.arguments);
    }

    /** Returns the call's id, "" when the server sent none. */
    public String id() {
        return id;
    }

    /** Returns the call's type, {@code function} unless the server said otherwise. */
    public String type() {
        return type;
    }

    /** Returns the function name. */
    public String name() {
        return name;
    }

    /** Returns the arguments text exactly as received. */
    public String arguments() {
        return arguments;
    }

    /** Returns whether the arguments are blank or a JSON object. */
    public boolean argumentsValid() {
        return argumentsValid;
    }

    /**
     * Returns the arguments parsed as a JSON object (an empty map for blank arguments).
     *
     * @throws MalformedToolCallException when the arguments are not a JSON object
     */
    public Map<String, Object> parsedArguments() {
        if (!argumentsValid) {
            throw new MalformedToolCallException("Tool call '" + name + "' (id '" + id
                    + "') has arguments that are not a JSON object: " + ToolArguments.snippet(arguments));
        }
        return ToolArguments.parse(arguments);
    }

    /**
     * Returns the arguments validated against the strict JSON Schema of {@code type} and mapped to
     * it (blank arguments are read as {@code {}}), for callers who run tools themselves.
     *
     * @throws MalformedToolCallException when the arguments are not a JSON object, break the
     *         schema ({@link MalformedToolCallException#violations()} says where), or cannot be mapped
     * @throws IllegalArgumentException when strict mode cannot express {@code type}
     */
    public <A> A parsedArguments(Class<A> type) {
        TypeBinding<A> binding = TypeBinding.of(type);
        if (!argumentsValid) {
            parsedArguments();
        }
        var node = arguments.isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(arguments);
        List<SchemaViolation> violations = binding.validate(node);
        if (!violations.isEmpty()) {
            throw new MalformedToolCallException("Tool call '" + name + "' (id '" + id + "') has arguments that break the "
                    + binding.name() + " schema: " + violations, ErrorDetails.of(false), null, violations);
        }
        try {
            return binding.map(node);
        } catch (TypeBinding.MappingFailure e) {
            throw new MalformedToolCallException("Tool call '" + name + "' (id '" + id + "') has arguments that cannot be read as "
                    + type.getSimpleName() + ": " + e.getMessage(), ErrorDetails.of(false), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ToolCall other && id.equals(other.id) && type.equals(other.type)
                && name.equals(other.name) && arguments.equals(other.arguments);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, type, name, arguments);
    }

    @Override
    public String toString() {
        return "ToolCall[id=" + id + ", name=" + name + ", arguments=" + arguments
                + (argumentsValid ? "" : " (not a JSON object)") + "]";
    }
}
