package dev.fluxllm.internal.sse;

/** Describes one dispatched event as a test sees it: its type (null for "message") and data text. */
record Event(String type, String data) {

    static Event message(String data) {
        return new Event(null, data);
    }

    static Event of(String type, String data) {
        return new Event(type, data);
    }
}
