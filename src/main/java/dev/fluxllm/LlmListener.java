package dev.fluxllm;

import java.time.Duration;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Hears what a client's calls do, for tracing, logging and metrics: register with
 * {@link OpenAiCompatClient.Builder#listener(LlmListener)} (several are allowed, called in order).
 * Every method has an empty default.
 *
 * <p>Methods run on the thread that produced the signal, often a Netty event loop: they must be
 * quick and must never block (hand I/O to another thread, as {@link dev.fluxllm.observe.JsonlTraceWriter} does). An
 * exception thrown by a listener is logged and otherwise ignored. Exactly one of
 * {@link #onComplete}, {@link #onError} and {@link #onCancel} ends each call.
 *
 * <p>The request id comes from the subscriber's Reactor {@code Context}:
 * <pre>{@code
 * client.generate(request).contextWrite(Context.of(LlmListener.REQUEST_ID_KEY, "order-42"))
 * }</pre>
 */
public interface LlmListener {

    /** The Reactor {@code Context} key whose value (any object, via {@code toString()}) is the request id. */
    String REQUEST_ID_KEY = "fluxllm.request-id";

    /** Called when a call is subscribed, before anything is sent. */
    default void onRequestStart(LlmCall call) {
    }

    /**
     * Called when a call is subscribed, before anything is sent, with what the call sends and the
     * subscriber's Reactor {@code Context} (where a caller's trace or observation travels). The
     * client calls this method only; its default calls {@link #onRequestStart(LlmCall)}.
     *
     * @param request  the request object: {@link ChatRequest}, {@link CompletionRequest},
     *                 {@link EmbeddingRequest}, {@link ScoreRequest},
     *                 {@code dev.fluxllm.responses.ResponseRequest}, a {@link ToolCall} for a tool
     *                 loop's tool execution; null when the call has none (models, post, events)
     * @param context  the subscriber's context; never null
     */
    default void onRequestStart(LlmCall call, Object request, ContextView context) {
        onRequestStart(call);
    }

    /**
     * Returns the Reactor {@code Context} that the call's own work runs with, given the one it
     * would run with: a listener that opens a span or observation per call adds it here, so that
     * work nested inside the call (a tool loop's model calls and tool executions) sees it as its
     * parent. Called once per call, after {@link #onRequestStart(LlmCall, Object, ContextView)};
     * must not block. Default: unchanged.
     */
    default Context decorateContext(LlmCall call, Context context) {
        return context;
    }

    /**
     * Called with the value that a call emitting one value produced ({@link ChatResponse},
     * {@link EmbeddingResponse}, ...), before {@link #onComplete}. Streams report their items
     * through {@link #onChunk} instead.
     */
    default void onResponse(LlmCall call, Object response) {
    }

    /**
     * Returns whether this listener also hears a tool loop's own calls: the loop as a whole
     * (operation {@code tool_loop}) and each tool it runs (operation {@code execute_tool}, the
     * request a {@link ToolCall}, the response the tool's text). Default false, so that listeners
     * counting HTTP calls see only those.
     */
    default boolean observesToolLoops() {
        return false;
    }

    /** Called when an attempt starts; {@code attempt} is 1 for the first. */
    default void onAttempt(LlmCall call, int attempt) {
    }

    /** Called when a failed attempt will be retried after {@code delay}. */
    default void onRetryScheduled(LlmCall call, int nextAttempt, Duration delay, Throwable cause) {
    }

    /** Called when an attempt's response headers arrive: the status and {@code x-request-id} (null when absent). */
    default void onResponseHeaders(LlmCall call, int status, String serverRequestId) {
    }

    /** Called once per stream, on the first chunk that carries text, reasoning or a tool-call fragment. */
    default void onFirstToken(LlmCall call, Duration latency) {
    }

    /**
     * Called for each item a stream emits ({@link ChatChunk}, {@link CompletionChunk} or
     * {@link ServerSentEvent}), with the time since the previous item (since subscription for the first).
     */
    default void onChunk(LlmCall call, Object chunk, Duration sincePrevious) {
    }

    /**
     * Returns what receives one stream's items in place of {@link #onChunk}, or null (the default)
     * for {@link #onChunk}. Called once per stream, after
     * {@link #onRequestStart(LlmCall, Object, ContextView)} and before its first item. A listener
     * that keeps state per call returns that state here: the client then calls it directly for
     * every item, with no lookup by call and no {@link Duration} per item, which on a stream of
     * thousands of chunks is most of what a listener costs.
     */
    default ChunkObserver chunkObserver(LlmCall call) {
        return null;
    }

    /** Receives the items of one stream; see {@link #chunkObserver(LlmCall)}. */
    @FunctionalInterface
    interface ChunkObserver {

        /**
         * Called for each item the stream emits, as {@link LlmListener#onChunk} would be, with the
         * nanoseconds since the previous item (since subscription for the first).
         */
        void onChunk(Object chunk, long sincePreviousNanos);

        /**
         * Returns whether this observer uses {@code sincePreviousNanos}; when no listener of a
         * stream does, the client reads no clock per chunk and passes 0. Asked once per stream.
         * Default true.
         */
        default boolean timesChunks() {
            return true;
        }
    }

    /**
     * Called when the answer had something odd that the client handled rather than failed on,
     * e.g. a Responses stream whose {@code .done} value differs from its deltas (the full value is
     * taken); {@code message} says what.
     */
    default void onWarning(LlmCall call, String message) {
    }

    /** Called when the call completed. */
    default void onComplete(LlmCall call, CallStats stats) {
    }

    /** Called when the call failed (after any retries). */
    default void onError(LlmCall call, Throwable error, CallStats stats) {
    }

    /** Called when the subscriber cancelled. */
    default void onCancel(LlmCall call, CallStats stats) {
    }
}
