package dev.fluxllm;

import java.time.Duration;

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
