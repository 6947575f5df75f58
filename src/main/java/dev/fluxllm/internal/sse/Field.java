package dev.fluxllm.internal.sse;

/** Names what the decoder does with the line it is reading, decided by the line's field name. */
enum Field {
    /** The field name is still being read (no colon seen yet). */
    PENDING,
    DATA,
    EVENT,
    ID,
    RETRY,
    /** A comment, or a field the decoder ignores: its bytes are skipped, never stored. */
    IGNORED;

    /** The length of the longest known field name ("event", "retry"); longer names are ignored. */
    static final int MAX_NAME_LENGTH = 5;

    /** Returns the field named by name[0, length); field names are case-sensitive. */
    static Field of(byte[] name, int length) {
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
