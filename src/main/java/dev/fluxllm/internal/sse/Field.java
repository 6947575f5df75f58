package dev.fluxllm.internal.sse;

/**
 * Names what the decoder does with the line it is reading, decided by the line's field name. Int
 * codes rather than an enum: the decoder stores the field per line, and a reference store into a
 * long-lived object costs the garbage collector a card to re-scan.
 */
final class Field {
    /** The field name is still being read (no colon seen yet). */
    static final int PENDING = 0;
    static final int DATA = 1;
    static final int EVENT = 2;
    static final int ID = 3;
    static final int RETRY = 4;
    /** A comment, or a field the decoder ignores: its bytes are skipped, never stored. */
    static final int IGNORED = 5;

    /** The length of the longest known field name ("event", "retry"); longer names are ignored. */
    static final int MAX_NAME_LENGTH = 5;

    private Field() {
    }

    /** Returns the field named by name[0, length); field names are case-sensitive. */
    static int of(byte[] name, int length) {
        switch (length) {
            case 2:
                return name[0] == 'i' && name[1] == 'd' ? ID : IGNORED;
            case 4:
                return name[0] == 'd' && name[1] == 'a' && name[2] == 't' && name[3] == 'a' ? DATA : IGNORED;
            case 5:
                if (name[0] == 'e' && name[1] == 'v' && name[2] == 'e' && name[3] == 'n' && name[4] == 't') {
                    return EVENT;
                }
                return name[0] == 'r' && name[1] == 'e' && name[2] == 't' && name[3] == 'r' && name[4] == 'y'
                        ? RETRY : IGNORED;
            default:
                // Includes length 0: a line starting with ':' is a comment.
                return IGNORED;
        }
    }
}
