package dev.fluxllm;

import dev.fluxllm.internal.json.ToolArguments;
import dev.fluxllm.internal.schema.TypeBinding;

/**
 * Declares a function the model may call.
 *
 * @param name          the function name
 * @param description   what it does, for the model; may be null
 * @param parametersJson the JSON schema of its arguments, as JSON object text
 * @param strict        whether to ask for strict schema adherence ({@code strict: true}); null leaves it out
 */
public record Tool(String name, String description, String parametersJson, Boolean strict) {

    public Tool {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("tool name must not be blank");
        }
        if (parametersJson == null || parametersJson.isBlank()) {
            parametersJson = "{\"type\":\"object\",\"properties\":{}}";
        } else if (!ToolArguments.isJsonObject(parametersJson)) {
            throw new IllegalArgumentException("tool '" + name
                    + "' parameters must be a JSON schema object, got: " + ToolArguments.snippet(parametersJson));
        }
    }

    /**
     * Declares a function whose arguments are {@code argumentsType}: its strict JSON Schema (every
     * property required, no additional properties) is the parameters, with {@code strict: true}.
     * Read the arguments back with {@link ToolCall#parsedArguments(Class)}.
     *
     * @throws IllegalArgumentException when the type is not an object type (a record or class) or
     *         strict mode cannot express it; the message names the type and the field
     */
    public static Tool from(String name, String description, Class<?> argumentsType) {
        TypeBinding<?> binding = TypeBinding.of(java.util.Objects.requireNonNull(argumentsType, "argumentsType"));
        if (!binding.objectRoot()) {
            throw new IllegalArgumentException("tool '" + name + "' arguments must be a record or class with fields, got "
                    + argumentsType.getName());
        }
        return new Tool(name, description, binding.schemaJson(), true);
    }

    /** Declares a function from its name, description and JSON schema text. */
    public static Tool function(String name, String description, String jsonSchema) {
        return new Tool(name, description, jsonSchema, null);
    }
}
