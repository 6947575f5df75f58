package dev.fluxllm.structured;

import java.math.BigInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Parses JSON text fed piece by piece, as a model writes it, and tells a {@link Listener} about
 * each value as it starts and ends. Every character is looked at once, whatever the split, so the
 * total work is linear in the answer's length. One markdown code fence around the value
 * ({@code ```json ... ```}), which models asked for JSON sometimes add, is skipped. One instance
 * per answer, used from one thread at a time.
 */
final class IncrementalJson {

    /** Hears the values of the text; every method has an empty default. */
    interface Listener {
        /** A value starts at {@code offset} (its first character {@code first}); {@code depth} counts the containers around it. */
        default void valueStart(int depth, int offset, char first) {
        }

        /** The value that started at the same depth ends just before {@code endOffset}. */
        default void valueEnd(int depth, int endOffset) {
        }

        /** An object's key is complete; {@code depth} is that of the object's values. */
        default void key(int depth, String name) {
        }

        default void objectStart() {
        }

        default void arrayStart() {
        }

        default void containerEnd() {
        }

        /** A string, number, boolean or null is complete; the string is null when not decoded. */
        default void scalar(JsonNode value) {
        }

        /** At the end of a piece, inside a value string that grew: the string so far. */
        default void openString(String prefix) {
        }
    }

    /** Thrown when the text cannot be JSON, whatever follows. */
    static final class Invalid extends RuntimeException {
        final int offset;

        Invalid(String message, int offset) {
            super(message + " at character " + offset);
            this.offset = offset;
        }
    }

    private static final int VALUE = 0;
    private static final int OBJECT_FIRST = 1;
    private static final int OBJECT_KEY = 2;
    private static final int COLON = 3;
    private static final int AFTER = 4;
    private static final int ARRAY_FIRST = 5;
    private static final int STRING = 6;
    private static final int KEY = 7;
    private static final int NUMBER = 8;
    private static final int LITERAL = 9;
    private static final int DONE = 10;
    private static final int FENCE_OPEN = 11;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Listener listener;
    private final boolean decodeStrings;
    private int offset;
    private int state = VALUE;
    private boolean[] objects = new boolean[16];
    private int depth;
    private boolean rootStarted;
    private boolean fenced;
    private final StringBuilder text = new StringBuilder();
    private char[] scratch = new char[64];
    private boolean escape;
    private int unicodeLeft;
    private int unicode;
    private String literal;
    private int literalPos;
    private boolean stringGrew;

    /**
     * @param decodeStrings whether strings are decoded for {@link Listener#scalar},
     *                      {@link Listener#openString} and {@link Listener#key}; when false, only
     *                      the keys of the root object are (all a list splitter needs)
     */
    IncrementalJson(Listener listener, boolean decodeStrings) {
        this.listener = listener;
        this.decodeStrings = decodeStrings;
    }

    /** Returns whether the root value is complete. */
    boolean complete() {
        return state == DONE;
    }

    /** Returns whether anything but whitespace (or a fence) has started the root value. */
    boolean started() {
        return rootStarted;
    }

    /** Parses the next piece of the text. */
    void feed(CharSequence piece) {
        int n = piece.length();
        if (scratch.length < n) {
            scratch = new char[Math.max(n, scratch.length * 2)];
        }
        if (piece instanceof String s) {
            s.getChars(0, n, scratch, 0);
        } else {
            for (int i = 0; i < n; i++) {
                scratch[i] = piece.charAt(i);
            }
        }
        feed(scratch, 0, n);
    }

    /** Parses the next piece of the text: {@code chars[from, to)}. */
    void feed(char[] chars, int from, int to) {
        stringGrew = false;
        // The offset of chars[i] is i + shift: one addition per character instead of a counter kept in a field.
        int shift = offset - from;
        for (int i = from; i < to; i++) {
            char c = chars[i];
            if ((state == STRING || (state == KEY && depth > 1)) && !decodeStrings && !escape && unicodeLeft == 0) {
                // A value string nobody reads: run to the next quote or backslash.
                while (c != '"' && c != '\\' && c >= 0x20 && i + 1 < to) {
                    c = chars[++i];
                }
            }
            offset = i + shift;
            switch (state) {
                case STRING, KEY -> string(c);
                case NUMBER -> {
                    if (isNumberChar(c)) {
                        text.append(c);
                    } else {
                        endNumber();
                        structural(c);
                    }
                }
                case LITERAL -> literalChar(c);
                case FENCE_OPEN -> {
                    if (c == '\n') {
                        state = VALUE;
                    }
                }
                default -> structural(c);
            }
        }
        offset = to + shift;
        if (state == STRING && stringGrew && decodeStrings) {
            listener.openString(text.toString());
        }
    }

    /** Ends the text: a number at the root completes; returns whether the root value is complete. */
    boolean end() {
        if (state == NUMBER && depth == 0) {
            endNumber();
        }
        return state == DONE;
    }

    private void structural(char c) {
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            return;
        }
        switch (state) {
            case VALUE, ARRAY_FIRST -> {
                if (c == ']' && state == ARRAY_FIRST) {
                    closeContainer(false);
                } else {
                    startValue(c);
                }
            }
            case OBJECT_FIRST, OBJECT_KEY -> {
                if (c == '"') {
                    state = KEY;
                    text.setLength(0);
                } else if (c == '}' && state == OBJECT_FIRST) {
                    closeContainer(true);
                } else {
                    throw new Invalid("expected a key in quotes, got '" + c + "'", offset);
                }
            }
            case COLON -> {
                if (c != ':') {
                    throw new Invalid("expected ':' after a key, got '" + c + "'", offset);
                }
                state = VALUE;
            }
            case AFTER -> {
                boolean inObject = objects[depth - 1];
                if (c == ',') {
                    state = inObject ? OBJECT_KEY : VALUE;
                } else if (c == (inObject ? '}' : ']')) {
                    closeContainer(inObject);
                } else {
                    throw new Invalid("expected ',' or '" + (inObject ? '}' : ']') + "', got '" + c + "'", offset);
                }
            }
            case DONE -> {
                if (!(fenced && c == '`')) {
                    throw new Invalid("unexpected '" + c + "' after the JSON value", offset);
                }
            }
            default -> throw new IllegalStateException("state " + state);
        }
    }

    private void startValue(char c) {
        if (depth == 0 && !rootStarted && c == '`') {
            fenced = true;
            state = FENCE_OPEN;
            return;
        }
        rootStarted = true;
        switch (c) {
            case '{', '[' -> {
                listener.valueStart(depth, offset, c);
                push(c == '{');
                if (c == '{') {
                    listener.objectStart();
                    state = OBJECT_FIRST;
                } else {
                    listener.arrayStart();
                    state = ARRAY_FIRST;
                }
            }
            case '"' -> {
                listener.valueStart(depth, offset, c);
                state = STRING;
                text.setLength(0);
                stringGrew = true;
            }
            case 't', 'f', 'n' -> {
                listener.valueStart(depth, offset, c);
                literal = c == 't' ? "true" : c == 'f' ? "false" : "null";
                literalPos = 1;
                state = LITERAL;
            }
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    listener.valueStart(depth, offset, c);
                    text.setLength(0);
                    text.append(c);
                    state = NUMBER;
                } else {
                    throw new Invalid("expected a JSON value, got '" + c + "'", offset);
                }
            }
        }
    }

    private void string(char c) {
        if (unicodeLeft > 0) {
            int digit = Character.digit(c, 16);
            if (digit < 0) {
                throw new Invalid("bad \\u escape", offset);
            }
            unicode = unicode * 16 + digit;
            if (--unicodeLeft == 0) {
                append((char) unicode);
            }
            return;
        }
        if (escape) {
            escape = false;
            switch (c) {
                case '"', '\\', '/' -> append(c);
                case 'b' -> append('\b');
                case 'f' -> append('\f');
                case 'n' -> append('\n');
                case 'r' -> append('\r');
                case 't' -> append('\t');
                case 'u' -> {
                    unicodeLeft = 4;
                    unicode = 0;
                }
                default -> throw new Invalid("bad escape '\\" + c + "'", offset);
            }
            return;
        }
        if (c == '\\') {
            escape = true;
        } else if (c == '"') {
            if (state == KEY) {
                if (decodeStrings || depth <= 1) {
                    listener.key(depth, text.toString());
                }
                state = COLON;
            } else {
                listener.scalar(decodeStrings ? NODES.stringNode(text.toString()) : null);
                endScalar(offset + 1);
            }
        } else if (c < 0x20) {
            throw new Invalid("control character in a string", offset);
        } else {
            append(c);
        }
    }

    private void append(char c) {
        if (decodeStrings || (state == KEY && depth <= 1)) {
            text.append(c);
            stringGrew = true;
        }
    }

    private void literalChar(char c) {
        if (c != literal.charAt(literalPos)) {
            throw new Invalid("expected '" + literal + "'", offset);
        }
        if (++literalPos == literal.length()) {
            listener.scalar(!decodeStrings ? null
                    : literal.equals("null") ? NODES.nullNode() : NODES.booleanNode(literal.equals("true")));
            endScalar(offset + 1);
        }
    }

    private void endNumber() {
        if (!isJsonNumber(text)) {
            throw new Invalid("bad number '" + text + "'", offset);
        }
        listener.scalar(decodeStrings ? numberNode(text.toString()) : null);
        endScalar(offset);
    }

    private void endScalar(int endOffset) {
        listener.valueEnd(depth, endOffset);
        state = depth == 0 ? DONE : AFTER;
    }

    private void push(boolean object) {
        if (depth == objects.length) {
            if (depth >= dev.fluxllm.internal.json.Json.MAX_NESTING_DEPTH) {
                throw new Invalid("nesting deeper than " + depth, offset);
            }
            objects = java.util.Arrays.copyOf(objects, depth * 2);
        }
        objects[depth++] = object;
    }

    private void closeContainer(boolean object) {
        depth--;
        listener.containerEnd();
        listener.valueEnd(depth, offset + 1);
        state = depth == 0 ? DONE : AFTER;
    }

    private static boolean isNumberChar(char c) {
        return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
    }

    /** Checks the JSON number grammar: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}. */
    static boolean isJsonNumber(CharSequence n) {
        int i = 0;
        int len = n.length();
        if (i < len && n.charAt(i) == '-') {
            i++;
        }
        if (i == len) {
            return false;
        }
        if (n.charAt(i) == '0') {
            i++;
        } else {
            int start = i;
            while (i < len && isDigit(n.charAt(i))) {
                i++;
            }
            if (i == start) {
                return false;
            }
        }
        if (i < len && n.charAt(i) == '.') {
            int start = ++i;
            while (i < len && isDigit(n.charAt(i))) {
                i++;
            }
            if (i == start) {
                return false;
            }
        }
        if (i < len && (n.charAt(i) == 'e' || n.charAt(i) == 'E')) {
            i++;
            if (i < len && (n.charAt(i) == '+' || n.charAt(i) == '-')) {
                i++;
            }
            int start = i;
            while (i < len && isDigit(n.charAt(i))) {
                i++;
            }
            if (i == start) {
                return false;
            }
        }
        return i == len;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Builds the node Jackson's tree model would: int, long or big integer; double for fractions. */
    private static JsonNode numberNode(String n) {
        boolean integral = n.indexOf('.') < 0 && n.indexOf('e') < 0 && n.indexOf('E') < 0;
        if (!integral) {
            return NODES.numberNode(Double.parseDouble(n));
        }
        if (n.length() < 10) {
            return NODES.numberNode(Integer.parseInt(n));
        }
        BigInteger big = new BigInteger(n);
        if (big.bitLength() < 32) {
            return NODES.numberNode(big.intValue());
        }
        if (big.bitLength() < 64) {
            return NODES.numberNode(big.longValue());
        }
        return NODES.numberNode(big);
    }
}
