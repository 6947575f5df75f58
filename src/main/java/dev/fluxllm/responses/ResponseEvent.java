package dev.fluxllm.responses;

import tools.jackson.databind.JsonNode;

/**
 * Holds one event of a streamed response: one record per documented event type, and
 * {@link Unknown} for any other (servers add their own), with its raw JSON. Indexes the server
 * left out are -1; {@code itemId} is "" when absent.
 */
public sealed interface ResponseEvent {

    /** Returns the event's type string, e.g. {@code response.output_text.delta}. */
    String type();

    /** Returns the event's {@code sequence_number}, -1 when the server sent none. */
    long sequenceNumber();

    /** {@code response.created}: the response as it starts. */
    record Created(long sequenceNumber, Response response) implements ResponseEvent {
        public String type() { return "response.created"; }
    }

    /** {@code response.in_progress}. */
    record InProgress(long sequenceNumber, Response response) implements ResponseEvent {
        public String type() { return "response.in_progress"; }
    }

    /** {@code response.queued}. */
    record Queued(long sequenceNumber, Response response) implements ResponseEvent {
        public String type() { return "response.queued"; }
    }

    /** {@code response.output_item.added}: an item starts (a message with no content yet, a call with empty arguments). */
    record OutputItemAdded(long sequenceNumber, int outputIndex, OutputItem item) implements ResponseEvent {
        public String type() { return "response.output_item.added"; }
    }

    /** {@code response.output_item.done}: the whole item. */
    record OutputItemDone(long sequenceNumber, int outputIndex, OutputItem item) implements ResponseEvent {
        public String type() { return "response.output_item.done"; }
    }

    /** {@code response.content_part.added}. */
    record ContentPartAdded(long sequenceNumber, String itemId, int outputIndex, int contentIndex,
                            OutputItem.Content part) implements ResponseEvent {
        public String type() { return "response.content_part.added"; }
    }

    /** {@code response.content_part.done}: the whole part. */
    record ContentPartDone(long sequenceNumber, String itemId, int outputIndex, int contentIndex,
                           OutputItem.Content part) implements ResponseEvent {
        public String type() { return "response.content_part.done"; }
    }

    /** {@code response.output_text.delta}: a piece of text. */
    record OutputTextDelta(long sequenceNumber, String itemId, int outputIndex, int contentIndex, String delta)
            implements ResponseEvent {
        public String type() { return "response.output_text.delta"; }
    }

    /** {@code response.output_text.done}: the whole text of the part. */
    record OutputTextDone(long sequenceNumber, String itemId, int outputIndex, int contentIndex, String text)
            implements ResponseEvent {
        public String type() { return "response.output_text.done"; }
    }

    /** {@code response.refusal.delta}. */
    record RefusalDelta(long sequenceNumber, String itemId, int outputIndex, int contentIndex, String delta)
            implements ResponseEvent {
        public String type() { return "response.refusal.delta"; }
    }

    /** {@code response.refusal.done}. */
    record RefusalDone(long sequenceNumber, String itemId, int outputIndex, int contentIndex, String refusal)
            implements ResponseEvent {
        public String type() { return "response.refusal.done"; }
    }

    /** {@code response.function_call_arguments.delta}: a piece of a call's arguments. */
    record FunctionCallArgumentsDelta(long sequenceNumber, String itemId, int outputIndex, String delta)
            implements ResponseEvent {
        public String type() { return "response.function_call_arguments.delta"; }
    }

    /** {@code response.function_call_arguments.done}: the whole arguments text. */
    record FunctionCallArgumentsDone(long sequenceNumber, String itemId, int outputIndex, String arguments)
            implements ResponseEvent {
        public String type() { return "response.function_call_arguments.done"; }
    }

    /** {@code response.reasoning_summary_part.added}. */
    record ReasoningSummaryPartAdded(long sequenceNumber, String itemId, int outputIndex, int summaryIndex)
            implements ResponseEvent {
        public String type() { return "response.reasoning_summary_part.added"; }
    }

    /** {@code response.reasoning_summary_part.done}. */
    record ReasoningSummaryPartDone(long sequenceNumber, String itemId, int outputIndex, int summaryIndex, String text)
            implements ResponseEvent {
        public String type() { return "response.reasoning_summary_part.done"; }
    }

    /** {@code response.reasoning_summary_text.delta}. */
    record ReasoningSummaryTextDelta(long sequenceNumber, String itemId, int outputIndex, int summaryIndex,
                                     String delta) implements ResponseEvent {
        public String type() { return "response.reasoning_summary_text.delta"; }
    }

    /** {@code response.reasoning_summary_text.done}. */
    record ReasoningSummaryTextDone(long sequenceNumber, String itemId, int outputIndex, int summaryIndex,
                                    String text) implements ResponseEvent {
        public String type() { return "response.reasoning_summary_text.done"; }
    }

    /** {@code response.reasoning_text.delta} (servers that stream the reasoning itself). */
    record ReasoningTextDelta(long sequenceNumber, String itemId, int outputIndex, int contentIndex, String delta)
            implements ResponseEvent {
        public String type() { return "response.reasoning_text.delta"; }
    }

    /** {@code response.reasoning_text.done}. */
    record ReasoningTextDone(long sequenceNumber, String itemId, int outputIndex, int contentIndex, String text)
            implements ResponseEvent {
        public String type() { return "response.reasoning_text.done"; }
    }

    /** {@code response.completed}: terminal; the whole response with usage. */
    record Completed(long sequenceNumber, Response response) implements ResponseEvent {
        public String type() { return "response.completed"; }
    }

    /** {@code response.incomplete}: terminal, not an error; the reason is in the response. */
    record Incomplete(long sequenceNumber, Response response) implements ResponseEvent {
        public String type() { return "response.incomplete"; }
    }

    /**
     * {@code response.failed}: terminal. A client stream never emits it: it ends with a
     * {@code StreamErrorException} carrying the error's code and message instead, as it does for
     * chat error events. {@link ResponseStreams#assemble} fails the same way when given one.
     */
    record Failed(long sequenceNumber, Response response) implements ResponseEvent {
        public String type() { return "response.failed"; }
    }

    /** {@code error}: terminal; never emitted by a client stream either (see {@link Failed}). */
    record Error(long sequenceNumber, String code, String message, String param) implements ResponseEvent {
        public String type() { return "error"; }
    }

    /** Any other event type, passed through with its raw JSON. */
    record Unknown(String type, long sequenceNumber, JsonNode raw) implements ResponseEvent {
    }
}
