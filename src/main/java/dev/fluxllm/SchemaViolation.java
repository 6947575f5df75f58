package dev.fluxllm;

import java.util.Objects;

/**
 * Names one way a JSON value breaks a JSON Schema: where (a JSON pointer into the value) and what.
 *
 * @param pointer  the JSON pointer of the offending value, {@code ""} for the whole value, e.g. {@code /lines/2/qty}
 * @param message  what is wrong there, e.g. {@code required property 'qty' not found}
 */
public record SchemaViolation(String pointer, String message) {

    public SchemaViolation {
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(message, "message");
    }

    /** Returns {@code pointer: message}, with {@code /} for the whole value. */
    @Override
    public String toString() {
        return (pointer.isEmpty() ? "/" : pointer) + ": " + message;
    }
}
