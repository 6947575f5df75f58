package dev.fluxllm.internal.sse;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a whole event stream the slow, literal way the WHATWG algorithm reads, on a decoded
 * string: the oracle the incremental decoder is compared against in the fuzz test.
 */
final class ReferenceParser {

    /** Describes everything the decoder exposes after the whole input. */
    record Result(List<Event> events, String lastEventId, long retryMillis, boolean partial, boolean stopped) {
    }

    private ReferenceParser() {
    }

    static Result parse(String text) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<Event> events = new ArrayList<>();
        StringBuilder data = new StringBuilder();
        String eventType = "";
        String idBuffer = "";
        String lastEventId = "";
        long retry = -1;
        boolean fieldsPending = false;
        int pos = 0;
        while (true) {
            int cr = text.indexOf('\r', pos);
            int lf = text.indexOf('\n', pos);
            int end = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
            if (end < 0) {
                // An unterminated line is discarded, and with it the event being built.
                boolean partial = fieldsPending || pos < text.length();
                return new Result(events, lastEventId, retry, partial, false);
            }
            String line = text.substring(pos, end);
            pos = end + (text.startsWith("\r\n", end) ? 2 : 1);

            if (line.isEmpty()) {
                lastEventId = idBuffer;
                fieldsPending = false;
                if (data.length() == 0) {
                    eventType = "";
                    continue;
                }
                data.setLength(data.length() - 1);
                String payload = data.toString();
                events.add(new Event(eventType.isEmpty() ? null : eventType, payload));
                data.setLength(0);
                eventType = "";
                if (payload.equals("[DONE]")) {
                    return new Result(events, lastEventId, retry, false, true);
                }
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> eventType = value;
                case "data" -> data.append(value).append('\n');
                case "id" -> {
                    if (value.indexOf('\0') < 0) {
                        idBuffer = value;
                    }
                }
                case "retry" -> {
                    if (value.matches("[0-9]+")) {
                        retry = new BigInteger(value).min(BigInteger.valueOf(Long.MAX_VALUE)).longValueExact();
                    }
                }
                default -> {
                    continue;
                }
            }
            fieldsPending = true;
        }
    }
}
