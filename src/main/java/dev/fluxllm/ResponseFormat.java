package dev.fluxllm;

import dev.fluxllm.internal.json.ToolArguments;

/**
 * Asks for a response format: plain text, any JSON object, or JSON matching a schema.
 *
 * @param type        {@code text}, {@code json_object} or {@code json_schema}
 * @param name        the schema's name for {@code json_schema}, else null
 * @param schemaJson  the JSON schema text for {@code json_schema}, else null
 * @param strict      whether the schema is strict, null to leave it out
 */
public record ResponseFormat(String type, String name, String schemaJson, Boolean strict) {

    /** Asks for plain text (the server's default). */
    public static ResponseFormat text() {
        return new ResponseFormat("text", null, null, null);
    }

    /** Asks for a JSON object ({@code {"type":"json_object"}}). */
    public static ResponseFormat jsonObject() {
        return new ResponseFormat("json_object", null, null, null);
    }

    /** Asks for JSON matching the schema ({@code {"type":"json_schema", ...}}). */
    public static ResponseFormat jsonSchema(String name, String schemaJson, boolean strict) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("json_schema name must not be blank");
        }
        if (schemaJson == null || !ToolArguments.isJsonObject(schemaJson)) {
            throw new IllegalArgumentException("json_schema '" + name + "' must be a JSON object, got: "
                    + ToolArguments.snippet(schemaJson == null ? "null" : schemaJson));
        }
        return new ResponseFormat("json_schema", name, schemaJson, strict);
    }
}
