package dev.fluxllm.internal.json;

/**
 * Holds the fields of an error body or an error event, whatever shape the server used.
 *
 * @param message     the human-readable text, never null
 * @param type        {@code type} / {@code error_type}, null when absent
 * @param code        {@code code} as text, null when absent
 * @param param       {@code param}, null when absent
 * @param httpStatus  a status embedded in the body ({@code http_status_code}, or a numeric
 *                    {@code code} in the 400–599 range), 0 when none
 */
public record WireError(String message, String type, String code, String param, int httpStatus) {
}
