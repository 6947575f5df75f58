package dev.fluxllm.structured;

/** Says how a typed answer is asked for. */
public enum StructuredMode {
    /** {@code json_schema} when the client's {@code Capabilities.jsonSchema()} says the server honours it, else {@code json_object}. */
    AUTO,
    /** {@code response_format: {"type":"json_schema", "strict": ...}} built from the type. */
    JSON_SCHEMA,
    /** {@code response_format: {"type":"json_object"}} with the schema in a system message. */
    JSON_OBJECT
}
