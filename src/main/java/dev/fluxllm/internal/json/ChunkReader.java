package dev.fluxllm.internal.json;

import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChunkChoice;
import dev.fluxllm.ToolCallDelta;
import dev.fluxllm.Usage;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads one {@code chat.completion.chunk} (or a whole {@code chat.completion}, whose choices carry
 * {@code message} where chunks carry {@code delta}) straight from bytes with Jackson's streaming
 * parser: no tree, no maps, unknown fields skipped.
 *
 * <p>An error payload (an {@code error} member that is not null, or the flat
 * {@code "object":"error"} shape) is reported through {@link Result#error()} instead of a chunk.
 * Invalid JSON surfaces as Jackson's {@code JacksonException}; callers turn it into
 * {@code MalformedResponseException}.
 */
public final class ChunkReader {

    /**
     * Holds what one payload said: a chunk, or an error; whether choices were present, and
     * whether a choice lacked its {@code delta} / {@code message}.
     */
    public record Result(ChatChunk chunk, WireError error, boolean hadChoices, boolean choiceWithoutBody) {
    }

    /** Says how to read: chunks (shared, never written) or a whole completion (one per call). */
    private static final class Mode {
        static final Mode STREAM = new Mode(false);
        final boolean completion;
        boolean choiceWithoutBody;

        Mode(boolean completion) {
            this.completion = completion;
        }
    }

    private ChunkReader() {
    }

    /** Reads one chunk payload from {@code data[offset, offset+length)}. */
    public static Result read(byte[] data, int offset, int length) {
        return read(data, offset, length, Mode.STREAM);
    }

    /**
     * Reads a whole {@code chat.completion}: tool calls without an {@code index} take their
     * position in the array, since each array element is a whole call.
     */
    public static Result readCompletion(byte[] data, int offset, int length) {
        return read(data, offset, length, new Mode(true));
    }

    private static Result read(byte[] data, int offset, int length, Mode mode) {
        try (JsonParser p = Json.parser(data, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new NotAnObjectException(p.currentToken());
            }
            Result result = readObject(p, mode);
            if (p.nextToken() != null) {
                throw new NotAnObjectException(p.currentToken());
            }
            return result;
        }
    }

    private static Result readObject(JsonParser p, Mode mode) {
        String id = null;
        String model = null;
        long created = 0;
        List<ChunkChoice> choices = null;
        Usage usage = null;
        WireError error = null;
        boolean flatError = false;
        String flatMessage = null;
        String flatType = null;
        String flatCode = null;
        String errorType = null;
        String name;
        while ((name = p.nextName()) != null) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "id" -> id = stringOrNull(p, t);
                case "model" -> model = stringOrNull(p, t);
                case "created" -> created = t == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : skip(p, 0);
                case "choices" -> choices = readChoices(p, t, mode);
                case "usage" -> usage = t == JsonToken.START_OBJECT ? readUsage(p) : skip(p, null);
                case "error" -> error = readError(p, t);
                case "error_type" -> errorType = stringOrNull(p, t);
                case "object" -> flatError = "error".equals(stringOrNull(p, t));
                case "message" -> flatMessage = t == JsonToken.VALUE_STRING ? p.getString() : skipString(p);
                case "type" -> flatType = stringOrNull(p, t);
                case "code" -> flatCode = t.isScalarValue() && t != JsonToken.VALUE_NULL ? p.getString() : skipString(p);
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
            return new Result(null, error, choices != null, mode.choiceWithoutBody);
        }
        return new Result(new ChatChunk(id, model, created, choices == null ? List.of() : choices, usage),
                null, choices != null, mode.choiceWithoutBody);
    }

    private static List<ChunkChoice> readChoices(JsonParser p, JsonToken t, Mode mode) {
        if (t != JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        JsonToken next = p.nextToken();
        if (next == JsonToken.END_ARRAY) {
            return List.of();
        }
        ChunkChoice first = next == JsonToken.START_OBJECT ? readChoice(p, mode) : skipChoice(p);
        next = p.nextToken();
        if (next == JsonToken.END_ARRAY) {
            return first == null ? List.of() : List.of(first);
        }
        List<ChunkChoice> list = new ArrayList<>(4);
        if (first != null) {
            list.add(first);
        }
        for (; next != JsonToken.END_ARRAY; next = p.nextToken()) {
            ChunkChoice c = next == JsonToken.START_OBJECT ? readChoice(p, mode) : skipChoice(p);
            if (c != null) {
                list.add(c);
            }
        }
        return list;
    }

    private static ChunkChoice skipChoice(JsonParser p) {
        p.skipChildren();
        return null;
    }

    private static ChunkChoice readChoice(JsonParser p, Mode mode) {
        int index = 0;
        String finish = null;
        Delta delta = null;
        String name;
        while ((name = p.nextName()) != null) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "index" -> index = t == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : skip(p, 0);
                case "delta", "message" -> delta = t == JsonToken.START_OBJECT ? readDelta(p, mode) : skipDelta(p);
                case "finish_reason" -> finish = stringOrNull(p, t);
                default -> p.skipChildren();
            }
        }
        if (delta == null) {
            if (mode.completion) {
                mode.choiceWithoutBody = true;
            }
            delta = Delta.EMPTY;
        }
        return new ChunkChoice(index, delta.role, delta.content, delta.reasoning, delta.toolCalls, finish);
    }

    private static Delta skipDelta(JsonParser p) {
        p.skipChildren();
        return null;
    }

    private static Delta readDelta(JsonParser p, Mode mode) {
        Delta d = new Delta();
        String name;
        while ((name = p.nextName()) != null) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "role" -> d.role = stringOrNull(p, t);
                case "content" -> d.content = readContent(p, t);
                case "reasoning_content", "reasoning" -> {
                    String r = t == JsonToken.VALUE_STRING ? p.getString() : skipString(p);
                    // Servers moving from reasoning_content to reasoning (and proxies) may send the
                    // same text under both names: take the first non-empty one, never both.
                    if (r != null && (d.reasoning == null || d.reasoning.isEmpty())) {
                        d.reasoning = r;
                    }
                }
                case "tool_calls" -> d.toolCalls = readToolCalls(p, t, mode);
                default -> p.skipChildren();
            }
        }
        return d;
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

    private static List<ToolCallDelta> readToolCalls(JsonParser p, JsonToken t, Mode mode) {
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
            if (mode.completion && call.index() == null) {
                call = new ToolCallDelta(list.size(), call.id(), call.type(), call.name(), call.arguments());
            }
            list.add(call);
        }
        return list;
    }

    private static ToolCallDelta readToolCall(JsonParser p) {
        Integer index = null;
        String id = null;
        String type = null;
        String fnName = null;
        String arguments = null;
        String name;
        while ((name = p.nextName()) != null) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "index" -> index = t == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : skip(p, null);
                case "id" -> id = t == JsonToken.VALUE_NUMBER_INT ? p.getString() : stringOrNull(p, t);
                case "type" -> type = stringOrNull(p, t);
                case "function" -> {
                    if (t != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        continue;
                    }
                    String f;
                    while ((f = p.nextName()) != null) {
                        JsonToken v = p.nextToken();
                        switch (f) {
                            case "name" -> fnName = stringOrNull(p, v);
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
            return p.readValueAsTree().toString();
        }
        return p.getString();
    }

    private static Usage readUsage(JsonParser p) {
        long prompt = 0;
        long completion = 0;
        long total = -1;
        long cached = 0;
        long reasoning = 0;
        String name;
        while ((name = p.nextName()) != null) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "prompt_tokens" -> prompt = longValue(p, t);
                case "completion_tokens" -> completion = longValue(p, t);
                case "total_tokens" -> total = longValue(p, t);
                case "prompt_cache_hit_tokens" -> cached = longValue(p, t);
                case "prompt_tokens_details" -> cached = Math.max(cached, nestedLong(p, t, "cached_tokens"));
                case "completion_tokens_details" -> reasoning = nestedLong(p, t, "reasoning_tokens");
                default -> p.skipChildren();
            }
        }
        return new Usage(prompt, completion, total < 0 ? prompt + completion : total, cached, reasoning);
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
        if (t == JsonToken.VALUE_STRING) {
            return new WireError(p.getString(), null, null, null, 0);
        }
        if (t != JsonToken.START_OBJECT) {
            String text = t.isScalarValue() ? p.getString() : p.readValueAsTree().toString();
            return new WireError(text, null, null, null, 0);
        }
        return ErrorBodyReader.fromTree(Json.MAPPER.createObjectNode().set("error", (tools.jackson.databind.JsonNode) p.readValueAsTree()));
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

    private static String stringOrNull(JsonParser p, JsonToken t) {
        if (t == JsonToken.VALUE_STRING) {
            return p.getString();
        }
        if (t != null && t.isScalarValue() && t != JsonToken.VALUE_NULL) {
            return p.getString();
        }
        p.skipChildren();
        return null;
    }

    private static String skipString(JsonParser p) {
        p.skipChildren();
        return null;
    }

    private static <T> T skip(JsonParser p, T value) {
        p.skipChildren();
        return value;
    }

    /** Mutable scratch for one delta while it is read. */
    private static final class Delta {
        static final Delta EMPTY = new Delta();
        String role;
        String content;
        String reasoning;
        List<ToolCallDelta> toolCalls;
    }

    /** Signals a payload that is valid JSON but not one object. */
    public static final class NotAnObjectException extends RuntimeException {
        NotAnObjectException(JsonToken token) {
            super("expected one JSON object, found " + (token == null ? "end of input" : token.asString()));
        }
    }
}
