package dev.fluxllm.responses;

import dev.fluxllm.internal.json.ChunkReader;
import dev.fluxllm.internal.json.FedParser;
import dev.fluxllm.internal.json.Json;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;

/**
 * Reads one Responses API event from its data bytes in one pass of Jackson's streaming parser:
 * the scalar fields of the delta events never become a tree; only the objects some events carry
 * ({@code item}, {@code part}, {@code response}) do. One instance per stream, one thread at a time.
 */
final class EventReader {

    /** Reads the object at the parser's position; the rest of the event follows it. */
    private static final ObjectReader NESTED = Json.MAPPER.reader()
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private String type;
    private long sequence;
    private String itemId;
    private int outputIndex;
    private int contentIndex;
    private int summaryIndex;
    private String delta;
    private String text;
    private String arguments;
    private String refusal;
    private String code;
    private String message;
    private String param;
    private JsonNode item;
    private JsonNode part;
    private JsonNode response;
    private JsonNode error;
    private String lastType;
    private String lastItemId;
    /** The stream's one parser, fed event after event; null until the first event or after a failure. */
    private FedParser fed;

    /** Thrown when the data is not one JSON object with a {@code type}. */
    static final class NotAnEvent extends RuntimeException {
        NotAnEvent(String message) {
            super(message);
        }
    }

    /**
     * Reads an event; {@code sseType} (the {@code event:} field) stands in for a missing
     * {@code type}. Returns the raw tree too for unknown types.
     */
    ResponseEvent read(byte[] data, int offset, int length, String sseType) {
        reset();
        if (length < 4) {
            // The parser detects the encoding from the first four bytes: too short to feed one.
            try (JsonParser p = Json.MAPPER.tokenStreamFactory().createParser(ObjectReadContext.empty(), data, offset, length)) {
                fields(p);
            }
        } else {
            if (fed == null) {
                fed = new FedParser(Json.MAPPER.tokenStreamFactory());
            }
            FedParser p = fed;
            try {
                p.feed(data, offset, length);
                fields(p);
            } catch (RuntimeException e) {
                // A parser that failed mid-value holds half a document: never feed it again.
                retire();
                throw e;
            }
            try {
                p.endEvent();
            } catch (ChunkReader.NotAnObjectException trailing) {
                // Text after the event's object is ignored, as a parser per event would; but this
                // parser has read some of it, so it goes.
                retire();
            }
        }
        if (type == null) {
            type = sseType;
        }
        if (type == null) {
            throw new NotAnEvent("event has no 'type'");
        }
        return build(data, offset, length);
    }

    private void retire() {
        FedParser p = fed;
        fed = null;
        p.close();
    }

    private void fields(JsonParser p) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new NotAnEvent("event data is not a JSON object");
        }
        String name;
        while ((name = p.nextName()) != null) {
            JsonToken t = p.nextToken();
            switch (name) {
                // Type and item id repeat from event to event: kept, not copied again.
                case "type" -> type = t == JsonToken.VALUE_STRING ? (lastType = reuse(p, lastType)) : p.getString();
                case "sequence_number" -> sequence = t == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                case "item_id" -> itemId = t == JsonToken.VALUE_STRING ? (lastItemId = reuse(p, lastItemId)) : scalar(p, t);
                case "output_index" -> outputIndex = intOr(p, t);
                case "content_index" -> contentIndex = intOr(p, t);
                case "summary_index" -> summaryIndex = intOr(p, t);
                case "delta" -> delta = scalar(p, t);
                case "text" -> text = scalar(p, t);
                case "arguments" -> arguments = t == JsonToken.START_OBJECT ? NESTED.readTree(p).toString() : scalar(p, t);
                case "refusal" -> refusal = scalar(p, t);
                case "code" -> code = scalar(p, t);
                case "message" -> message = scalar(p, t);
                case "param" -> param = scalar(p, t);
                case "item" -> item = tree(p, t);
                case "part" -> part = tree(p, t);
                case "response" -> response = tree(p, t);
                case "error" -> error = tree(p, t);
                default -> p.skipChildren();
            }
        }
    }

    /** The current string value, or {@code previous} when it has the same characters. */
    private static String reuse(JsonParser p, String previous) {
        return previous != null && Json.textEquals(p, previous) ? previous : p.getString();
    }

    private ResponseEvent build(byte[] data, int offset, int length) {
        String id = itemId == null ? "" : itemId;
        return switch (type) {
            case "response.created" -> new ResponseEvent.Created(sequence, responseOrEmpty());
            case "response.in_progress" -> new ResponseEvent.InProgress(sequence, responseOrEmpty());
            case "response.queued" -> new ResponseEvent.Queued(sequence, responseOrEmpty());
            case "response.completed" -> new ResponseEvent.Completed(sequence, responseOrEmpty());
            case "response.incomplete" -> new ResponseEvent.Incomplete(sequence, responseOrEmpty());
            case "response.failed" -> new ResponseEvent.Failed(sequence, responseOrEmpty());
            case "error" -> errorEvent();
            case "response.output_item.added" -> new ResponseEvent.OutputItemAdded(sequence, outputIndex, itemOrFail());
            case "response.output_item.done" -> new ResponseEvent.OutputItemDone(sequence, outputIndex, itemOrFail());
            case "response.content_part.added" -> new ResponseEvent.ContentPartAdded(sequence, id, outputIndex,
                    contentIndex, part == null ? null : ResponseJson.content(part));
            case "response.content_part.done" -> new ResponseEvent.ContentPartDone(sequence, id, outputIndex,
                    contentIndex, part == null ? null : ResponseJson.content(part));
            case "response.output_text.delta" -> new ResponseEvent.OutputTextDelta(sequence, id, outputIndex, contentIndex,
                    orEmpty(delta));
            case "response.output_text.done" -> new ResponseEvent.OutputTextDone(sequence, id, outputIndex, contentIndex,
                    orEmpty(text));
            case "response.refusal.delta" -> new ResponseEvent.RefusalDelta(sequence, id, outputIndex, contentIndex,
                    orEmpty(delta));
            case "response.refusal.done" -> new ResponseEvent.RefusalDone(sequence, id, outputIndex, contentIndex,
                    orEmpty(refusal != null ? refusal : text));
            case "response.function_call_arguments.delta" -> new ResponseEvent.FunctionCallArgumentsDelta(sequence, id,
                    outputIndex, orEmpty(delta));
            case "response.function_call_arguments.done" -> new ResponseEvent.FunctionCallArgumentsDone(sequence, id,
                    outputIndex, orEmpty(arguments));
            case "response.reasoning_summary_part.added" -> new ResponseEvent.ReasoningSummaryPartAdded(sequence, id,
                    outputIndex, summaryIndex);
            case "response.reasoning_summary_part.done" -> new ResponseEvent.ReasoningSummaryPartDone(sequence, id,
                    outputIndex, summaryIndex, part == null ? null : ResponseJson.text(part, "text"));
            case "response.reasoning_summary_text.delta" -> new ResponseEvent.ReasoningSummaryTextDelta(sequence, id,
                    outputIndex, summaryIndex, orEmpty(delta));
            case "response.reasoning_summary_text.done" -> new ResponseEvent.ReasoningSummaryTextDone(sequence, id,
                    outputIndex, summaryIndex, orEmpty(text));
            case "response.reasoning_text.delta" -> new ResponseEvent.ReasoningTextDelta(sequence, id, outputIndex,
                    contentIndex, orEmpty(delta));
            case "response.reasoning_text.done" -> new ResponseEvent.ReasoningTextDone(sequence, id, outputIndex,
                    contentIndex, orEmpty(text));
            default -> new ResponseEvent.Unknown(type, sequence, Json.MAPPER.readTree(data, offset, length));
        };
    }

    private ResponseEvent errorEvent() {
        if (error != null && error.isObject()) {
            return new ResponseEvent.Error(sequence, ResponseJson.nullableText(error, "code"),
                    ResponseJson.text(error, "message"), ResponseJson.nullableText(error, "param"));
        }
        return new ResponseEvent.Error(sequence, code, orEmpty(message), param);
    }

    private Response responseOrEmpty() {
        return response == null || !response.isObject()
                ? new Response("", "", null, "", 0, null, null, null) : ResponseJson.response(response);
    }

    private OutputItem itemOrFail() {
        if (item == null || !item.isObject()) {
            throw new NotAnEvent(type + " has no 'item' object");
        }
        return ResponseJson.item(item);
    }

    private void reset() {
        type = null;
        sequence = -1;
        itemId = null;
        outputIndex = -1;
        contentIndex = -1;
        summaryIndex = -1;
        delta = null;
        text = null;
        arguments = null;
        refusal = null;
        code = null;
        message = null;
        param = null;
        item = null;
        part = null;
        response = null;
        error = null;
    }

    private static int intOr(JsonParser p, JsonToken t) {
        return t == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : -1;
    }

    private static String scalar(JsonParser p, JsonToken t) {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        return p.getString();
    }

    private static JsonNode tree(JsonParser p, JsonToken t) {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        return NESTED.readTree(p);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
