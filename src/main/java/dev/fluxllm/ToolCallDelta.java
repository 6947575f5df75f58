package dev.fluxllm;

/**
 * Holds one streamed tool-call fragment exactly as the server sent it; {@link ChatStreams#assemble}
 * joins fragments into {@link ToolCall}s.
 *
 * @param index      the call's {@code index}, null when the server sent none (Gemini, Mistral, old Ollama)
 * @param id         the call's id, null when absent in this fragment
 * @param type       the call's type ({@code function}), null when absent
 * @param name       the function name, null when absent in this fragment
 * @param arguments  this fragment's piece of the arguments text, null when absent; an object sent
 *                   in place of a string arrives here serialized as JSON text
 */
public record ToolCallDelta(Integer index, String id, String type, String name, String arguments) {
}
