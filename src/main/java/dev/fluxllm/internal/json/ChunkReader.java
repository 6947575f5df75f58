package dev.fluxllm.internal.json;

import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChunkChoice;
import dev.fluxllm.ToolCallDelta;
import dev.fluxllm.Usage;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.TokenStreamFactory;

/**
 * Reads {@code chat.completion.chunk} payloads (or a whole {@code chat.completion}, whose choices
 * carry {@code message} where chunks carry {@code delta}) straight from bytes with Jackson's
 * streaming parser: no tree, no maps, unknown fields skipped.
 *
 * <p>One reader serves one stream, from one thread at a time: it remembers the last id, model
 * and small repeated values, so a chunk that repeats them allocates no new strings.
 *
 * <p>An error payload (an {@code error} member that is not null, or the flat
 * {@code "object":"error"} shape) yields no chunk: {@link #error()} tells what it said. Invalid
 * JSON surfaces as Jackson's {@code JacksonException} or {@link NotAnObjectException}; callers turn
 * those into {@code MalformedResponseException}.
 */
public final class ChunkReader {

    private static final TokenStreamFactory FACTORY = Json.MAPPER.tokenStreamFactory();

    private final boolean completion;
    /** Whether the usual chunk is read by the scanner (the fast path) before Jackson. */
    private final boolean fastPath;
    /**
     * The fast path for the usual chunk; also, when it is not used, the holder of the last values
     * seen, which both paths share: one set of them per stream instead of two.
     */
    private final ChunkScanner scanner;
    /** The events of one network read are read, one after another, by one parser: none is built per event. */
    private FedParser fed;
    private WireError error;
    private boolean hadChoices;
    private boolean choiceWithoutBody;

    private ChunkReader(boolean completion, boolean fastPath) {
        this.completion = completion;
        this.fastPath = fastPath;
        this.scanner = new ChunkScanner();
    }

    /** Creates a reader for the chunks of one stream. */
    public static ChunkReader forStream() {
        return new ChunkReader(false, true);
    }

    /** Creates a stream reader that reads every payload with Jackson: the reference for the fast path. */
    static ChunkReader jacksonOnly() {
        return new ChunkReader(false, false);
    }

    /**
     * Creates a reader for one whole {@code chat.completion}: tool calls without an {@code index}
     * take their position in the array, since each array element is a whole call.
     */
    public static ChunkReader forCompletion() {
        return new ChunkReader(true, false);
    }

    /** Reads one payload; returns the chunk, or null when the payload was an error. */
    public ChatChunk read(byte[] data, int offset, int length) {
        error = null;
        hadChoices = false;
        choiceWithoutBody = false;
        if (fastPath) {
            ChatChunk chunk = scanner.scan(data, offset, length);
            if (chunk != null) {
                hadChoices = scanner.hadChoices();
                return chunk;
            }
        }
        return completion ? readOnce(data, offset, length) : readFed(data, offset, length);
    }

    private ChatChunk readFed(byte[] data, int offset, int length) {
        if (fed == null) {
            if (length < 4) {
                // The parser detects the encoding from the first four bytes: too short to start one.
                return readOnce(data, offset, length);
            }
            fed = new FedParser(FACTORY);
        }
        FedParser p = fed;
        try {
            p.feed(data, offset, length);
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new NotAnObjectException(p.currentToken());
            }
            ChatChunk chunk = readObject(p);
            p.endEvent();
            return chunk;
        } catch (RuntimeException e) {
            // A parser that failed mid-value holds half a document: never feed it again.
            fed = null;
            p.close();
            throw e;
        }
    }

    /** Reads one payload with a parser of its own. */
    private ChatChunk readOnce(byte[] data, int offset, int length) {
        try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), data, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new NotAnObjectException(p.currentToken());
            }
            ChatChunk chunk = readObject(p);
            if (p.nextToken() != null) {
                throw new NotAnObjectException(p.currentToken());
            }
            return chunk;
        }
    }

    /**
     * Lets go of the parser kept between events, handing its buffers back to the recycler. Called
     * after each network read: a parser is shared by the events of one read, and an open stream
     * waiting for its next read holds no parser buffers (thousands of slow streams stay small).
     */
    public void release() {
        FedParser p = fed;
        if (p != null) {
            fed = null;
            p.close();
        }
    }

    /** Returns the error the last payload held, null when it held a chunk. */
    public WireError error() {
        return error;
    }

    /** Returns whether the last payload had a {@code choices} array. */
    public boolean hadChoices() {
        return hadChoices;
    }

    /** Returns whether a choice of the last completion lacked its {@code message}. */
    public boolean choiceWithoutBody() {
        return choiceWithoutBody;
    }

    private ChatChunk readObject(JsonParser p) {
        String id = null;
        String model = null;
        long created = 0;
        List<ChunkChoice> choices = null;
        Usage usage = null;
        boolean flatError = false;
        String flatMessage = null;
        String flatType = null;
        String flatCode = null;
        String errorType = null;
        String name;
        while ((name = p.nextName()) != null) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "id" -> {
                    id = reuse(p, t, scanner.lastId);
                    if (id != scanner.lastId) {
                        scanner.lastId = id;
                    }
                }
                case "model" -> {
                    model = reuse(p, t, scanner.lastModel);
                    if (model != scanner.lastModel) {
                        scanner.lastModel = model;
                    }
                }
                case "created" -> created = t == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : skip(p, 0L);
                case "choices" -> choices = readChoices(p, t);
                case "usage" -> usage = t == JsonToken.START_OBJECT ? readUsage(p) : skip(p, null);
                case "error" -> error = readError(p, t);
                case "error_type" -> errorType = scalar(p, t);
                case "object" -> flatError = "error".equals(scalar(p, t));
                case "message" -> flatMessage = scalar(p, t);
                case "type" -> flatType = scalar(p, t);
                case "code" -> flatCode = scalar(p, t);
                default -> p.skipChildren();
            }
        }
        if (error == null && flatError) {
            error = new WireError(flatMessage != null ? flatMessage : "error", flatType, flatCode, null,
                    statusFromCode(flatCode));
        }
        if (error != null) {
            if (error.type() == null && errorType != null) {
                error = new WireError(error.message(), errorType, error.code(), error.param(), error.httpStatus());
            }
            return null;
        }
        hadChoices = choices != null;
        return new ChatChunk(id, model, created, choices == null ? List.of() : choices, usage);
    }

    private List<ChunkChoice> readChoices(JsonParser p, JsonToken t) {
        if (t != JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        JsonToken next = p.nextToken();
        if (next == JsonToken.END_ARRAY) {
            return List.of();
        }
        ChunkChoice first = next == JsonToken.START_OBJECT ? readChoice(p) : skip(p, null);
        next = p.nextToken();
        if (next == JsonToken.END_ARRAY) {
            return first == null ? List.of() : List.of(first);
        }
        List<ChunkChoice> list = new ArrayList<>(4);
        if (first != null) {
            list.add(first);
        }
        for (; next != JsonToken.END_ARRAY; next = p.nextToken()) {
            ChunkChoice c = next == JsonToken.START_OBJECT ? readChoice(p) : skip(p, null);
            if (c != null) {
                list.add(c);
            }
        }
        return list;
    }

    private ChunkChoice readChoice(JsonParser p) {
        int index = 0;
        String finish = null;
        boolean hasBody = false;
        String role = null;
        String content = null;
        String reasoning = null;
        String refusal = null;
        List<ToolCallDelta> toolCalls = null;
        String name;
        while ((name = p.nextName()) != null) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "index" -> index = t == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : skip(p, 0);
                case "finish_reason" -> {
                    finish = reuse(p, t, scanner.lastFinish);
                    if (finish != scanner.lastFinish) {
                        scanner.lastFinish = finish;
                    }
                }
                case "delta", "message" -> {
                    if (t != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        continue;
                    }
                    hasBody = true;
                    String field;
                    while ((field = p.nextName()) != null) {
                        JsonToken v = p.nextToken();
                        switch (field) {
                            case "role" -> role = role(p, v);
                            case "content" -> content = readContent(p, v);
                            case "reasoning_content", "reasoning" -> {
                                // Servers moving from reasoning_content to reasoning (and proxies) may
                                // send the same text under both names: take the first non-empty one.
                                String r = scalar(p, v);
                                if (r != null && (reasoning == null || reasoning.isEmpty())) {
                                    reasoning = r;
                                }
                            }
                            case "tool_calls" -> toolCalls = readToolCalls(p, v);
                            case "refusal" -> refusal = scalar(p, v);
                            default -> p.skipChildren();
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (!hasBody && completion) {
            choiceWithoutBody = true;
        }
        return new ChunkChoice(index, role, content, reasoning, toolCalls, finish, refusal);
    }

    /** Reads content as a string, or joins the text of an array of content parts. */
    private static String readContent(JsonParser p, JsonToken t) {
        if (t == JsonToken.VALUE_STRING) {
            return p.getString();
        }
        if (t != JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        StringBuilder sb = new StringBuilder();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                sb.append(p.getString());
                continue;
            }
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            String name;
            while ((name = p.nextName()) != null) {
                JsonToken v = p.nextToken();
                if ("text".equals(name) && v == JsonToken.VALUE_STRING) {
                    sb.append(p.getString());
                } else {
                    p.skipChildren();
                }
            }
        }
        return sb.toString();
    }

    private List<ToolCallDelta> readToolCalls(JsonParser p, JsonToken t) {
        if (t != JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        List<ToolCallDelta> list = null;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            if (list == null) {
                list = new ArrayList<>(2);
            }
            ToolCallDelta call = readToolCall(p);
            if (completion && call.index() == null) {
                call = new ToolCallDelta(list.size(), call.id(), call.type(), call.name(), call.arguments());
            }
            list.add(call);
        }
        return list;
    }

    private ToolCallDelta readToolCall(JsonParser p) {
        Integer index = null;
        String id = null;
        String type = null;
        String fnName = null;
        String arguments = null;
        String name;
        while ((name = p.nextName()) != null) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "index" -> index = t == JsonToken.VALUE_NUMBER_INT ? Integer.valueOf(p.getIntValue()) : skip(p, null);
                case "id" -> {
                    id = reuse(p, t, scanner.lastToolId);
                    if (id != scanner.lastToolId) {
                        scanner.lastToolId = id;
                    }
                }
                case "type" -> type = t == JsonToken.VALUE_STRING && Json.textEquals(p, "function") ? "function" : scalar(p, t);
                case "function" -> {
                    if (t != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        continue;
                    }
                    String f;
                    while ((f = p.nextName()) != null) {
                        JsonToken v = p.nextToken();
                        switch (f) {
                            case "name" -> {
                                fnName = reuse(p, v, scanner.lastToolName);
                                if (fnName != scanner.lastToolName) {
                                    scanner.lastToolName = fnName;
                                }
                            }
                            case "arguments" -> arguments = readArguments(p, v);
                            default -> p.skipChildren();
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        return new ToolCallDelta(index, id, type, fnName, arguments);
    }

    /** Reads arguments text; an object or array sent in place of a string is serialized, never dropped. */
    private static String readArguments(JsonParser p, JsonToken t) {
        if (t == JsonToken.VALUE_STRING) {
            return p.getString();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            return copyStructure(p);
        }
        return p.getString();
    }

    private static Usage readUsage(JsonParser p) {
        long prompt = 0;
        long completionTokens = 0;
        long total = -1;
        long cached = 0;
        long reasoning = 0;
        String name;
        while ((name = p.nextName()) != null) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "prompt_tokens" -> prompt = longValue(p, t);
                case "completion_tokens" -> completionTokens = longValue(p, t);
                case "total_tokens" -> total = longValue(p, t);
                case "prompt_cache_hit_tokens" -> cached = Math.max(cached, longValue(p, t));
                case "prompt_tokens_details" -> cached = Math.max(cached, nestedLong(p, t, "cached_tokens"));
                case "completion_tokens_details" -> reasoning = nestedLong(p, t, "reasoning_tokens");
                default -> p.skipChildren();
            }
        }
        return new Usage(prompt, completionTokens, total < 0 ? prompt + completionTokens : total, cached, reasoning);
    }

    private static long nestedLong(JsonParser p, JsonToken t, String field) {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return 0;
        }
        long value = 0;
        String name;
        while ((name = p.nextName()) != null) {
            JsonToken v = p.nextToken();
            if (field.equals(name)) {
                value = longValue(p, v);
            } else {
                p.skipChildren();
            }
        }
        return value;
    }

    private static WireError readError(JsonParser p, JsonToken t) {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t == JsonToken.START_OBJECT) {
            WireError e = ErrorBodyReader.fromTree(Json.MAPPER.createObjectNode()
                    .set("error", Json.MAPPER.readTree(copyStructure(p))));
            return e != null ? e : new WireError("error", null, null, null, 0);
        }
        String text = t.isScalarValue() ? p.getString() : copyStructure(p);
        return new WireError(text, null, null, null, 0);
    }

    /** Serializes the structure the parser stands on (rare paths only: errors, object arguments). */
    private static String copyStructure(JsonParser p) {
        StringWriter out = new StringWriter(64);
        try (JsonGenerator g = FACTORY.createGenerator(ObjectWriteContext.empty(), out)) {
            g.copyCurrentStructure(p);
        }
        return out.toString();
    }

    private static long longValue(JsonParser p, JsonToken t) {
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.getValueAsLong();
        }
        p.skipChildren();
        return 0;
    }

    private static int statusFromCode(String code) {
        if (code == null) {
            return 0;
        }
        try {
            int c = Integer.parseInt(code);
            return c >= 400 && c <= 599 ? c : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Returns the value as text when it is a scalar (numbers as their text), else null. */
    private static String scalar(JsonParser p, JsonToken t) {
        if (t == JsonToken.VALUE_STRING) {
            return p.getString();
        }
        if (t != null && t.isScalarValue() && t != JsonToken.VALUE_NULL) {
            return p.getString();
        }
        p.skipChildren();
        return null;
    }

    /** Returns {@code previous} when the current string equals it, so repeated values are not copied. */
    private static String reuse(JsonParser p, JsonToken t, String previous) {
        if (t != JsonToken.VALUE_STRING) {
            return scalar(p, t);
        }
        if (previous != null && Json.textEquals(p, previous)) {
            return previous;
        }
        return p.getString();
    }

    private static String role(JsonParser p, JsonToken t) {
        if (t == JsonToken.VALUE_STRING && Json.textEquals(p, "assistant")) {
            return "assistant";
        }
        return scalar(p, t);
    }

    private static <T> T skip(JsonParser p, T value) {
        p.skipChildren();
        return value;
    }

    /** Signals a payload that is valid JSON but not one object. */
    public static final class NotAnObjectException extends RuntimeException {
        NotAnObjectException(JsonToken token) {
            this("expected one JSON object, found " + (token == null ? "end of input"
                    : token == JsonToken.NOT_AVAILABLE ? "nothing" : token.asString()));
        }

        NotAnObjectException(String message) {
            super(message);
        }
    }
}
