package dev.fluxllm.internal.endpoints;

import dev.fluxllm.Embedding;
import dev.fluxllm.EmbeddingRequest;
import dev.fluxllm.EmbeddingResponse;
import dev.fluxllm.internal.transport.HttpReply;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Writes {@code POST /embeddings} bodies and reads their answers, float arrays or base64 alike. */
public final class Embeddings {

    /** The path under the base URL. */
    public static final String PATH = "/embeddings";

    private Embeddings() {
    }

    /** Returns the JSON body. */
    public static byte[] body(EmbeddingRequest r, String model) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("input", r.input());
        m.put("encoding_format", r.encodingFormat());
        m.put("dimensions", r.dimensions());
        m.put("user", r.user());
        return Nodes.body(m, r.extra());
    }

    /** Parses the answer. */
    public static EmbeddingResponse parse(HttpReply reply) {
        JsonNode root = EndpointCalls.tree(reply, "Embedding response");
        JsonNode data = root.get("data");
        if (data == null || !data.isArray()) {
            throw EndpointCalls.malformed(reply, "Embedding response has no 'data' array");
        }
        List<Embedding> out = new ArrayList<>(data.size());
        int position = 0;
        for (JsonNode item : data) {
            JsonNode index = item.get("index");
            out.add(new Embedding(index != null && index.isNumber() ? index.asInt() : position,
                    vector(reply, item.get("embedding"))));
            position++;
        }
        out.sort(Comparator.comparingInt(Embedding::index));
        return new EmbeddingResponse(Nodes.text(root, "model"), List.copyOf(out), Nodes.usage(root));
    }

    private static float[] vector(HttpReply reply, JsonNode e) {
        if (e != null && e.isArray()) {
            float[] v = new float[e.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = e.get(i).floatValue();
            }
            return v;
        }
        if (e != null && e.isString()) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(e.asString());
            } catch (IllegalArgumentException ex) {
                throw EndpointCalls.malformed(reply, "Embedding is not valid base64");
            }
            if (bytes.length % 4 != 0) {
                throw EndpointCalls.malformed(reply, "Base64 embedding is not a whole number of float32 values");
            }
            float[] v = new float[bytes.length / 4];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            return v;
        }
        throw EndpointCalls.malformed(reply, "Embedding is neither a number array nor base64");
    }
}
