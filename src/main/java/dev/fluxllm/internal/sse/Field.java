package dev.fluxllm.internal.sse;

/**
 * Names what the decoder does with the line it is reading, decided by the line's field name. Int
 * codes rather than an enum: the decoder stores the field per line, and a reference store into a
 * long-lived object costs the garbage collector a card to re-scan.
 */
final class Field {
    /** The field name is still being read (no colon seen yet). */
    static final byte PENDING = 0;
    static final byte DATA = 1;
    static final byte EVENT = 2;
    static final byte ID = 3;
    static final byte RETRY = 4;
    /** A comment, or a field the decoder ignores: its bytes are skipped, never stored. */
    static final byte IGNORED = 5;

    /** The length of the longest known field name ("event", "retry"); longer names are ignored. */
    static final byte MAX_NAME_LENGTH = 5;

    private Field() {
    }

    private static final long ID_NAME = pack("id");
    private static final long DATA_NAME = pack("data");
    private static final long EVENT_NAME = pack("event");
    private static final long RETRY_NAME = pack("retry");

    /**
     * Returns the field whose name's {@code length} bytes are packed into {@code name}, first byte
     * highest ({@code name << 8 | b} per byte); field names are case-sensitive.
     */
    static int of(long name, int length) {
        switch (length) {
            case 2:
                return name == ID_NAME ? ID : IGNORED;
            case 4:
                return name == DATA_NAME ? DATA : IGNORED;
            case 5:
                return name == EVENT_NAME ? EVENT : name == RETRY_NAME ? RETRY : IGNORED;
            default:
                // Includes length 0: a line starting with ':' is a comment.
                return IGNORED;
        }
    }

    private static long pack(String ascii) {
        long packed = 0;
        for (int i = 0; i < ascii.length(); i++) {
            packed = packed << 8 | ascii.charAt(i);
        }
        return packed;
    }
}
