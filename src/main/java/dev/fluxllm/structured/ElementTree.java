package dev.fluxllm.structured;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the tree of one list element straight from its slice of the answer, the nodes Jackson's
 * {@code readTree} would build, without a parser and a deserialization context per element. It
 * reads only the plain case and gives up (returns null, and Jackson reads the element) on anything
 * where matching Jackson would take more than a few lines: unicode escapes, duplicate keys,
 * long numbers or strings, deep nesting, infinite doubles, anything unexpected. The slice has
 * already passed {@link IncrementalJson}. One per stream, used from one thread at a time.
 */
final class ElementTree {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Well inside Jackson's read limits (nesting 200, numbers 1,000 characters, names 50,000, strings 20 M). */
    private static final int MAX_DEPTH = 64;
    private static final int MAX_NUMBER = 18;
    private static final int MAX_STRING = 10_000;

    /** Stops the reading; thrown without a stack trace. */
    private static final class GiveUp extends RuntimeException {
        GiveUp() {
            super(null, null, false, false);
        }
    }

    private static final GiveUp GIVE_UP = new GiveUp();

    private final StringBuilder unescaped = new StringBuilder();
    /**
     * The keys of the last elements by their place in the element: the next element usually has the
     * same ones, and reusing the string reuses its hash, which the tree, the validator and the
     * mapper each look it up by.
     */
    private final String[] keys = new String[32];
    private int keyIndex;
    private char[] c;
    private int pos;
    private int end;

    /** Returns the tree of the JSON value in {@code chars[start, end)}, or null when Jackson should read it. */
    JsonNode read(char[] chars, int start, int end) {
        this.c = chars;
        this.pos = start;
        this.end = end;
        this.keyIndex = 0;
        try {
            JsonNode value = value(0);
            skipSpace();
            return pos == end ? value : null;
        } catch (GiveUp | ArrayIndexOutOfBoundsException e) {
            return null;
        }
    }

    private JsonNode value(int depth) {
        skipSpace();
        char ch = next();
        switch (ch) {
            case '{':
                return object(depth + 1);
            case '[':
                return array(depth + 1);
            case '"':
                return NODES.stringNode(string());
            case 't':
                literal("rue");
                return NODES.booleanNode(true);
            case 'f':
                literal("alse");
                return NODES.booleanNode(false);
            case 'n':
                literal("ull");
                return NODES.nullNode();
            default:
                pos--;
                return number();
        }
    }

    private ObjectNode object(int depth) {
        if (depth > MAX_DEPTH) {
            throw GIVE_UP;
        }
        ObjectNode object = NODES.objectNode();
        skipSpace();
        if (peek() == '}') {
            pos++;
            return object;
        }
        while (true) {
            skipSpace();
            expect('"');
            String key = key();
            skipSpace();
            expect(':');
            if (object.replace(key, value(depth)) != null) {
                throw GIVE_UP; // a duplicate key: Jackson's handling of it decides
            }
            skipSpace();
            char ch = next();
            if (ch == '}') {
                return object;
            }
            if (ch != ',') {
                throw GIVE_UP;
            }
        }
    }

    private ArrayNode array(int depth) {
        if (depth > MAX_DEPTH) {
            throw GIVE_UP;
        }
        ArrayNode array = NODES.arrayNode();
        skipSpace();
        if (peek() == ']') {
            pos++;
            return array;
        }
        while (true) {
            array.add(value(depth));
            skipSpace();
            char ch = next();
            if (ch == ']') {
                return array;
            }
            if (ch != ',') {
                throw GIVE_UP;
            }
        }
    }

    /** Reads a key like {@link #string()}, as the same string as last time when it is the same. */
    private String key() {
        int k = keyIndex++;
        String known = k < keys.length ? keys[k] : null;
        if (known != null && matches(known)) {
            pos += known.length() + 1;
            return known;
        }
        String key = string();
        if (k < keys.length) {
            keys[k] = key;
        }
        return key;
    }

    /** Returns whether the text at {@code pos} is {@code known} and its closing quote, with no escape. */
    private boolean matches(String known) {
        int n = known.length();
        if (pos + n >= end || c[pos + n] != '"') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char ch = c[pos + i];
            if (ch != known.charAt(i) || ch == '\\' || ch == '"') {
                return false;
            }
        }
        return true;
    }

    /** Reads a string whose opening quote was read, through its closing quote. */
    private String string() {
        int start = pos;
        int limit = Math.min(end, start + MAX_STRING);
        int i = start;
        while (i < limit) {
            char ch = c[i];
            if (ch == '"') {
                pos = i + 1;
                return new String(c, start, i - start);
            }
            if (ch == '\\') {
                unescaped.setLength(0);
                unescaped.append(c, start, i - start);
                pos = i;
                return escaped(limit);
            }
            if (ch < 0x20) {
                throw GIVE_UP;
            }
            i++;
        }
        throw GIVE_UP;
    }

    private String escaped(int limit) {
        while (pos < limit) {
            char ch = c[pos++];
            if (ch == '"') {
                return unescaped.toString();
            }
            if (ch < 0x20) {
                throw GIVE_UP;
            }
            if (ch != '\\') {
                unescaped.append(ch);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> unescaped.append(e);
                case 'b' -> unescaped.append('\b');
                case 'f' -> unescaped.append('\f');
                case 'n' -> unescaped.append('\n');
                case 'r' -> unescaped.append('\r');
                case 't' -> unescaped.append('\t');
                default -> throw GIVE_UP;
            }
        }
        throw GIVE_UP;
    }

    private JsonNode number() {
        int start = pos;
        boolean integral = true;
        while (pos < end) {
            char ch = c[pos];
            if (ch >= '0' && ch <= '9' || ch == '-') {
                pos++;
            } else if (ch == '.' || ch == 'e' || ch == 'E' || ch == '+') {
                integral = false;
                pos++;
            } else {
                break;
            }
        }
        int length = pos - start;
        if (length == 0 || length > MAX_NUMBER) {
            throw GIVE_UP;
        }
        String text = new String(c, start, length);
        if (!IncrementalJson.isJsonNumber(text)) {
            throw GIVE_UP;
        }
        if (integral) {
            // At most 18 characters: a long always holds it; Jackson reads int-sized values as int.
            long v = Long.parseLong(text);
            return v == (int) v ? NODES.numberNode((int) v) : NODES.numberNode(v);
        }
        double d = Double.parseDouble(text);
        if (!Double.isFinite(d)) {
            throw GIVE_UP;
        }
        return NODES.numberNode(d);
    }

    private void literal(String rest) {
        for (int i = 0; i < rest.length(); i++) {
            if (next() != rest.charAt(i)) {
                throw GIVE_UP;
            }
        }
    }

    private void expect(char ch) {
        if (next() != ch) {
            throw GIVE_UP;
        }
    }

    private char next() {
        if (pos >= end) {
            throw GIVE_UP;
        }
        return c[pos++];
    }

    private char peek() {
        if (pos >= end) {
            throw GIVE_UP;
        }
        return c[pos];
    }

    private void skipSpace() {
        while (pos < end) {
            char ch = c[pos];
            if (ch != ' ' && ch != '\n' && ch != '\r' && ch != '\t') {
                return;
            }
            pos++;
        }
    }
}
