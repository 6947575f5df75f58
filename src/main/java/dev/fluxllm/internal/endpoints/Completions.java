package dev.fluxllm.internal.endpoints;

import dev.fluxllm.CompletionChoice;
import dev.fluxllm.CompletionChunk;
import dev.fluxllm.CompletionRequest;
import dev.fluxllm.CompletionResponse;
import dev.fluxllm.OpenAiCompatException;
import dev.fluxllm.internal.error.ExceptionFactory;
import dev.fluxllm.internal.json.ErrorBodyReader;
import dev.fluxllm.internal.json.Json;
import dev.fluxllm.internal.json.WireError;
import dev.fluxllm.internal.transport.HttpReply;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Writes legacy {@code POST /completions} bodies and reads their answers, whole or streamed. */
public final class Completions {

    /** The path under the base URL. */
    public static final String PATH = "/completions";

    private Completions() {
    }

    /** Returns the JSON body. */
    public static byte[] body(CompletionRequest r, String model, boolean stream, boolean streamOptions) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("prompt", r.prompt());
        if (stream) {
            m.put("stream", true);
            if (Boolean.TRUE.equals(r.includeUsage()) && streamOptions) {
                m.put("stream_options", Map.of("include_usage", true));
            }
        }
        m.put("max_tokens", r.maxTokens());
        m.put("temperature", r.temperature());
        m.put("top_p", r.topP());
        m.put("stop", r.stop());
        m.put("seed", r.seed());
        m.put("n", r.n());
        m.put("echo", r.echo());
        m.put("suffix", r.suffix());
        m.put("logprobs", r.logprobs());
        return Nodes.body(m, r.extra());
    }

    /** Parses a whole answer. */
    public static CompletionResponse parse(HttpReply reply) {
        JsonNode root = EndpointCalls.tree(reply, "Completion response");
        JsonNode choices = root.get("choices");
        if (choices == null || !choices.isArray()) {
            throw EndpointCalls.malformed(reply, "Completion response has no 'choices'");
        }
        return new CompletionResponse(Nodes.text(root, "id"), Nodes.text(root, "model"), Nodes.number(root, "created"),
                choices(choices), Nodes.usage(root));
    }

    private static List<CompletionChoice> choices(JsonNode choices) {
        List<CompletionChoice> out = new ArrayList<>(choices.size());
        int position = 0;
        for (JsonNode c : choices) {
            JsonNode index = c.get("index");
            out.add(new CompletionChoice(index != null && index.isNumber() ? index.asInt() : position,
                    Nodes.text(c, "text"), Nodes.textOrNull(c, "finish_reason")));
            position++;
        }
        return List.copyOf(out);
    }

    /**
     * Decodes a streamed answer: one chunk per data event; an error event or error object fails
     * the stream; a body that ends without {@code [DONE]} completes only when every choice finished.
     */
    public static final class StreamDecoder extends EventStreamDecoder<CompletionChunk> {

        private final Map<Integer, Boolean> finished = new HashMap<>();

        public StreamDecoder(int maxEventBytes, String requestId) {
            super(maxEventBytes, requestId);
        }

        @Override
        protected CompletionChunk map(String eventType, String data, String lastEventId) {
            if ("error".equals(eventType)) {
                WireError error = ErrorBodyReader.read(data.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                throw error != null ? ExceptionFactory.streamError(error, requestId)
                        : ExceptionFactory.streamErrorEvent(data, requestId);
            }
            if (data.isBlank()) {
                return null;
            }
            JsonNode root;
            try {
                root = Json.MAPPER.readTree(data);
            } catch (JacksonException e) {
                throw ExceptionFactory.malformed("Stream event is not JSON: " + ExceptionFactory.cap(data),
                        requestId, false, e);
            }
            if (root == null || !root.isObject()) {
                throw ExceptionFactory.malformed("Stream event is not a JSON object: " + ExceptionFactory.cap(data),
                        requestId, false, null);
            }
            WireError error = ErrorBodyReader.fromTree(root);
            if (error != null) {
                throw ExceptionFactory.streamError(error, requestId);
            }
            JsonNode choices = root.get("choices");
            List<CompletionChoice> list = choices != null && choices.isArray() ? choices(choices) : List.of();
            for (CompletionChoice c : list) {
                if (c.finishReason() != null) {
                    finished.put(c.index(), true);
                } else {
                    finished.putIfAbsent(c.index(), false);
                }
            }
            return new CompletionChunk(Nodes.text(root, "id"), Nodes.text(root, "model"), Nodes.number(root, "created"),
                    list, Nodes.usage(root));
        }

        @Override
        protected boolean completeWithoutDone() {
            return !finished.isEmpty() && !finished.containsValue(false);
        }

        @Override
        protected OpenAiCompatException cutOff(boolean prematureClose) {
            return ExceptionFactory.malformed("Stream ended before [DONE] and before every choice finished"
                    + (prematureClose ? " (connection closed)" : "") + ": the answer is cut off", requestId, true, null);
        }
    }
}
