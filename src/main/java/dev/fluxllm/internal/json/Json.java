package dev.fluxllm.internal.json;

import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Holds the one shared, thread-safe Jackson mapper and the read limits it enforces. */
public final class Json {

    /** Deepest nesting accepted in a response; deeper input fails cleanly, never overflows the stack. */
    public static final int MAX_NESTING_DEPTH = 200;

    public static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    // A parser per event: a per-thread recycler costs far less than a shared deque.
                    .recyclerPool(JsonRecyclerPools.threadLocalPool())
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .build())
                    .build())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {
    }

    /**
     * Returns whether the parser's current string value has the characters of {@code text}, read
     * in place: a repeated value can then be kept instead of copied into a new String.
     */
    public static boolean textEquals(JsonParser p, String text) {
        int len = p.getStringLength();
        if (len != text.length()) {
            return false;
        }
        char[] chars = p.getStringCharacters();
        int off = p.getStringOffset();
        for (int i = 0; i < len; i++) {
            if (chars[off + i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Creates a parser over a byte range; the caller closes it. */
    public static JsonParser parser(byte[] data, int offset, int length) {
        return MAPPER.createParser(data, offset, length);
    }
}
