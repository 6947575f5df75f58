package dev.fluxllm.internal.sse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds a recorded-style event stream and the events it must yield. The builder writes the body
 * and the expectation side by side, so they cannot drift apart; bodies use LF, and
 * {@link #withLineEnd} derives the CRLF and CR variants.
 */
record Fixture(String name, String body, List<Event> expected) {

    static Builder named(String name) {
        return new Builder(name);
    }

    byte[] bytes() {
        return body.getBytes(StandardCharsets.UTF_8);
    }

    /** Returns this fixture with every LF replaced by the given line end. */
    Fixture withLineEnd(String label, String lineEnd) {
        return new Fixture(name + " [" + label + "]", body.replace("\n", lineEnd), expected);
    }

    @Override
    public String toString() {
        return name;
    }

    /** Builds a fixture; each method appends wire text and, when it dispatches, the expected event. */
    static final class Builder {
        private final String name;
        private final StringBuilder body = new StringBuilder();
        private final List<Event> expected = new ArrayList<>();

        private Builder(String name) {
            this.name = name;
        }

        /** Appends {@code data: <json>} and a blank line. */
        Builder data(String json) {
            return raw("data: " + json + "\n\n", Event.message(json));
        }

        /** Appends {@code data:<json>} without the space, as TGI sends it, and a blank line. */
        Builder dataNoSpace(String json) {
            return raw("data:" + json + "\n\n", Event.message(json));
        }

        /** Appends an event with an {@code event:} line before its data. */
        Builder event(String type, String json) {
            return raw("event: " + type + "\ndata: " + json + "\n\n", Event.of(type, json));
        }

        /** Appends a comment line followed by a blank line, as keep-alives are sent. */
        Builder comment(String text) {
            return raw(": " + text + "\n\n");
        }

        /** Appends {@code data: [DONE]}. */
        Builder done() {
            return data("[DONE]");
        }

        /** Appends wire text verbatim, expecting the given events from it. */
        Builder raw(String text, Event... events) {
            body.append(text);
            expected.addAll(List.of(events));
            return this;
        }

        Fixture build() {
            return new Fixture(name, body.toString(), List.copyOf(expected));
        }
    }
}
