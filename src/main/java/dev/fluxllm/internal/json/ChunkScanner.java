package dev.fluxllm.internal.json;

import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChunkChoice;
import dev.fluxllm.ToolCallDelta;
import dev.fluxllm.Usage;
import dev.fluxllm.internal.bytes.ByteScan;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the usual {@code chat.completion.chunk} payload in one pass over its bytes, with no parser
 * object, no token objects and no field-name strings: the fast path of {@link ChunkReader}.
 *
 * <p>It accepts only strictly valid JSON in the shapes servers send, and reads it exactly as
 * {@link ChunkReader}'s Jackson path does (the differential tests hold it to that). Anything else,
 * an error payload, content parts, a field name with escapes, a float where an integer belongs,
 * invalid JSON or UTF-8, makes it give up ({@link #scan} returns null), and the caller reads the
 * payload with Jackson, which gives the same answer or the precise error. Giving up is rare and
 * cheap: a preallocated exception without a stack trace.
 *
 * <p>One scanner serves one stream, from one thread at a time; like the Jackson path it remembers
 * the last id, model, finish reason and tool id and name, so repeated values are not copied.
 */
final class ChunkScanner {

    /** Deeper unknown values are left to Jackson, which enforces the real limit. */
    private static final int MAX_DEPTH = 32;
    /** Longer numbers are left to Jackson (which limits their length); 18 digits always fit a long. */
    private static final int MAX_LONG_DIGITS = 18;
    private static final int MAX_INT_DIGITS = 9;
    private static final int MAX_SKIPPED_NUMBER = 64;
    /** Longer names are left to Jackson, which limits their length (far above any real field's). */
    private static final int MAX_NAME_LENGTH = 256;
    /** Per-thread buffer for strings with escapes or non-ASCII characters. */
    private static final ThreadLocal<char[][]> CHARS = ThreadLocal.withInitial(() -> new char[][] {new char[256]});
    private static final int MAX_KEPT_CHARS = 64 * 1024;
    /** Payloads with more bytes around their content than this are not kept as a template. */
    private static final int MAX_TEMPLATE = 1024;

    private static final byte[] ID = ascii("id");
    private static final byte[] OBJECT = ascii("object");
    private static final byte[] CREATED = ascii("created");
    private static final byte[] MODEL = ascii("model");
    private static final byte[] CHOICES = ascii("choices");
    private static final byte[] USAGE = ascii("usage");
    private static final byte[] ERROR = ascii("error");
    private static final byte[] ERROR_TYPE = ascii("error_type");
    private static final byte[] MESSAGE = ascii("message");
    private static final byte[] TYPE = ascii("type");
    private static final byte[] CODE = ascii("code");
    private static final byte[] INDEX = ascii("index");
    private static final byte[] FINISH_REASON = ascii("finish_reason");
    private static final byte[] DELTA = ascii("delta");
    private static final byte[] ROLE = ascii("role");
    private static final byte[] CONTENT = ascii("content");
    private static final byte[] REFUSAL = ascii("refusal");
    private static final byte[] REASONING_CONTENT = ascii("reasoning_content");
    private static final byte[] REASONING = ascii("reasoning");
    private static final byte[] TOOL_CALLS = ascii("tool_calls");
    private static final byte[] FUNCTION = ascii("function");
    private static final byte[] NAME = ascii("name");
    private static final byte[] ARGUMENTS = ascii("arguments");
    private static final byte[] PROMPT_TOKENS = ascii("prompt_tokens");
    private static final byte[] COMPLETION_TOKENS = ascii("completion_tokens");
    private static final byte[] TOTAL_TOKENS = ascii("total_tokens");
    private static final byte[] PROMPT_CACHE_HIT_TOKENS = ascii("prompt_cache_hit_tokens");
    private static final byte[] PROMPT_TOKENS_DETAILS = ascii("prompt_tokens_details");
    private static final byte[] COMPLETION_TOKENS_DETAILS = ascii("completion_tokens_details");
    private static final byte[] CACHED_TOKENS = ascii("cached_tokens");
    private static final byte[] REASONING_TOKENS = ascii("reasoning_tokens");

    private static final GiveUp GIVE_UP = new GiveUp();

    private byte[] d;
    private int pos;
    private int end;
    /** The last field name read: {@code d[nameStart, nameEnd)}, plain ASCII without escapes. */
    private int nameStart;
    private int nameEnd;
    /** Where the last string value's content starts and ends when it was plain ASCII; -1 otherwise. */
    private int plainStart;
    private int plainEnd;
    /** How many chars (1 or 2) the last {@link #utf8} call wrote. */
    private int utf8Chars;

    /**
     * The last values seen, handed out again when a chunk repeats them (most do); {@link ChunkReader}'s
     * Jackson path shares them. Stored only when they change: a reference store into this
     * long-lived object costs the garbage collector a card.
     */
    String lastId;
    String lastModel;
    String lastFinish;
    String lastToolId;
    String lastToolName;
    private boolean hadChoices;

    /**
     * The template: the bytes before and after choice 0's content string (its quotes included) of
     * the last single-choice chunk read in full, and that chunk. A payload with the same bytes
     * around its content reads as that chunk with another content (see {@link #byTemplate}).
     * The chunk is kept as its values, not as the chunk: an idle stream then keeps no chunk, list,
     * choice and content string (about 150 B) for its life.
     */
    private byte[] template;
    private int templatePrefix;
    private int templateSuffix;
    /** The template chunk's id, null while there is no template. */
    private String templateId;
    private String templateModel;
    private long templateCreated;
    private Usage templateUsage;
    private int templateIndex;
    private String templateRole;
    private String templateReasoning;
    private String templateFinish;
    private String templateRefusal;
    /** During a full read: where the content string read last starts (its opening quote), -1 when none. */
    private int contentQuote;
    /** During a full read: the content string's closing quote. */
    private int contentClose;
    /** Payloads read by the template; tests check that their comparisons exercise it. */
    int templateReads;

    /**
     * Reads one payload; returns its chunk, or null when this payload needs the Jackson path (which
     * includes every error payload).
     */
    ChatChunk scan(byte[] data, int offset, int length) {
        // Kept after the scan and stored only when it changes: a reference store into this
        // long-lived object per chunk costs the garbage collector a card to re-scan each time.
        if (d != data) {
            d = data;
        }
        pos = offset;
        end = offset + length;
        try {
            ChatChunk chunk = byTemplate(data, offset, end);
            if (chunk != null) {
                return chunk;
            }
            pos = offset;
            contentQuote = -1;
            if (ws() != '{') {
                return null;
            }
            chunk = chunk();
            if (pos < end && ws() != -1) {
                return null;
            }
            keepTemplate(chunk, offset);
            return chunk;
        } catch (GiveUp e) {
            return null;
        }
    }

    /**
     * Reads a payload that differs from the template only inside choice 0's content string.
     * Exact because this scanner is a function of the bytes: the bytes before the string are the
     * template's, so the state on reaching it is the template's; the string's value changes none
     * of the decisions after it; the bytes after it are the template's too. The new string is
     * validated as a full read would, and must end exactly where the template's suffix begins.
     * Returns null when the payload does not fit the template.
     */
    private ChatChunk byTemplate(byte[] data, int offset, int e) {
        int p = templatePrefix;
        int q = templateSuffix;
        if (templateId == null || e - offset < p + q) {
            return null;
        }
        int close = e - q;
        if (!Arrays.equals(data, close, e, template, p, p + q)
                || !Arrays.equals(data, offset, offset + p, template, 0, p)) {
            return null;
        }
        int start = offset + p;
        // data[close] is a quote (the suffix's first byte), so the scan stops there at the latest.
        int special = ByteScan.indexOfStringSpecial(data, start, close + 1);
        String content;
        if (special == close) {
            content = new String(data, start, close - start, StandardCharsets.ISO_8859_1);
        } else if (data[special] == '"') {
            return null;
        } else {
            // Escapes or non-ASCII: decoded and validated as the full read would (it would reach
            // this string in the same state, so it would give up here too).
            pos = start - 1;
            content = decodeString();
            if (pos != close + 1) {
                return null;
            }
        }
        hadChoices = true;
        templateReads++;
        return new ChatChunk(templateId, templateModel, templateCreated,
                List.of(new ChunkChoice(templateIndex, templateRole, content, templateReasoning, List.of(), templateFinish,
                        templateRefusal)),
                templateUsage);
    }

    /** After a full read: makes the chunk the template when it has one choice, a content string and no tool calls. */
    private void keepTemplate(ChatChunk chunk, int offset) {
        if (contentQuote < 0 || chunk.choices().size() != 1 || !chunk.choices().get(0).toolCalls().isEmpty()) {
            return;
        }
        int p = contentQuote + 1 - offset;
        int q = end - contentClose;
        if (p + q > MAX_TEMPLATE) {
            return;
        }
        byte[] kept = template;
        if (kept == null || kept.length < p + q) {
            // Sized to fit: every open stream keeps one.
            kept = new byte[p + q];
            template = kept;
        }
        System.arraycopy(d, offset, kept, 0, p);
        System.arraycopy(d, contentClose, kept, p, q);
        templatePrefix = p;
        templateSuffix = q;
        ChunkChoice c = chunk.choices().get(0);
        templateId = chunk.id();
        templateModel = chunk.model();
        templateCreated = chunk.created();
        templateUsage = chunk.usage();
        templateIndex = c.index();
        templateRole = c.role();
        templateReasoning = c.reasoning();
        templateFinish = c.finishReason();
        templateRefusal = c.refusal();
    }

    /** Returns whether the last chunk scanned had a {@code choices} array. */
    boolean hadChoices() {
        return hadChoices;
    }

    // ---- the chunk's shape, mirroring ChunkReader's Jackson path field by field ----

    private ChatChunk chunk() {
        String id = null;
        String model = null;
        long created = 0;
        List<ChunkChoice> choices = null;
        Usage usage = null;
        if (openObject()) {
            do {
                name();
                byte v = d[pos];
                if (is(ID)) {
                    id = reuseOrNull(v, lastId);
                    if (id != lastId) {
                        lastId = id;
                    }
                } else if (is(OBJECT)) {
                    // "object":"error" is an error payload: Jackson's path reads those.
                    if (v == '"' ? !scanPlain() || stringEquals("error") : v != 'n') {
                        throw GIVE_UP;
                    }
                    skipValue(0);
                } else if (is(CREATED)) {
                    created = v == 'n' ? skipNull(0L) : longValue(MAX_LONG_DIGITS);
                } else if (is(MODEL)) {
                    model = reuseOrNull(v, lastModel);
                    if (model != lastModel) {
                        lastModel = model;
                    }
                } else if (is(CHOICES)) {
                    choices = v == 'n' ? skipNull(null) : choices();
                } else if (is(USAGE)) {
                    usage = v == 'n' ? skipNull(null) : usage();
                } else if (is(ERROR) || is(ERROR_TYPE) || is(MESSAGE) || is(TYPE) || is(CODE)) {
                    throw GIVE_UP;
                } else {
                    skipValue(0);
                }
            } while (next('}'));
        }
        hadChoices = choices != null;
        return new ChatChunk(id, model, created, choices == null ? List.of() : choices, usage);
    }

    private List<ChunkChoice> choices() {
        if (d[pos] != '[') {
            throw GIVE_UP;
        }
        if (openArray()) {
            return List.of();
        }
        ChunkChoice first = choice();
        if (!next(']')) {
            return List.of(first);
        }
        List<ChunkChoice> list = new ArrayList<>(4);
        list.add(first);
        do {
            list.add(choice());
        } while (next(']'));
        return list;
    }

    private ChunkChoice choice() {
        if (d[pos] != '{') {
            throw GIVE_UP;
        }
        int index = 0;
        String finish = null;
        String role = null;
        String content = null;
        String reasoning = null;
        String refusal = null;
        List<ToolCallDelta> toolCalls = null;
        // Only the content string read last in the last choice read counts for the template.
        contentQuote = -1;
        if (openObject()) {
            do {
                name();
                byte v = d[pos];
                if (is(INDEX)) {
                    index = v == 'n' ? skipNull(0) : (int) longValue(MAX_INT_DIGITS);
                } else if (is(FINISH_REASON)) {
                    finish = reuseOrNull(v, lastFinish);
                    if (finish != lastFinish) {
                        lastFinish = finish;
                    }
                } else if (is(DELTA) || is(MESSAGE)) {
                    if (v == 'n') {
                        skipNull(null);
                        continue;
                    }
                    if (v != '{') {
                        throw GIVE_UP;
                    }
                    if (!openObject()) {
                        continue;
                    }
                    do {
                        name();
                        byte f = d[pos];
                        if (is(ROLE)) {
                            role = f == '"' && stringEquals("assistant") ? skipString("assistant") : stringOrNull(f);
                        } else if (is(CONTENT)) {
                            int quote = f == '"' ? pos : -1;
                            content = stringOrNull(f);
                            contentQuote = quote;
                            contentClose = pos - 1;
                        } else if (is(REASONING_CONTENT) || is(REASONING)) {
                            // As in the Jackson path: the first non-empty of the two names wins.
                            String r = stringOrNull(f);
                            if (r != null && (reasoning == null || reasoning.isEmpty())) {
                                reasoning = r;
                            }
                        } else if (is(TOOL_CALLS)) {
                            toolCalls = f == 'n' ? skipNull(null) : toolCalls();
                        } else if (is(REFUSAL)) {
                            refusal = stringOrNull(f);
                        } else {
                            skipValue(1);
                        }
                    } while (next('}'));
                } else {
                    skipValue(1);
                }
            } while (next('}'));
        }
        return new ChunkChoice(index, role, content, reasoning, toolCalls, finish, refusal);
    }

    private List<ToolCallDelta> toolCalls() {
        if (d[pos] != '[') {
            throw GIVE_UP;
        }
        if (openArray()) {
            return null;
        }
        List<ToolCallDelta> list = new ArrayList<>(2);
        do {
            list.add(toolCall());
        } while (next(']'));
        return list;
    }

    private ToolCallDelta toolCall() {
        if (d[pos] != '{') {
            throw GIVE_UP;
        }
        Integer index = null;
        String id = null;
        String type = null;
        String fnName = null;
        String arguments = null;
        if (openObject()) {
            do {
                name();
                byte v = d[pos];
                if (is(INDEX)) {
                    index = v == 'n' ? skipNull(null) : Integer.valueOf((int) longValue(MAX_INT_DIGITS));
                } else if (is(ID)) {
                    id = reuseOrNull(v, lastToolId);
                    if (id != lastToolId) {
                        lastToolId = id;
                    }
                } else if (is(TYPE)) {
                    type = v == '"' && stringEquals("function") ? skipString("function") : stringOrNull(v);
                } else if (is(FUNCTION)) {
                    if (v == 'n') {
                        skipNull(null);
                        continue;
                    }
                    if (v != '{') {
                        throw GIVE_UP;
                    }
                    if (!openObject()) {
                        continue;
                    }
                    do {
                        name();
                        byte f = d[pos];
                        if (is(NAME)) {
                            fnName = reuseOrNull(f, lastToolName);
                            if (fnName != lastToolName) {
                                lastToolName = fnName;
                            }
                        } else if (is(ARGUMENTS)) {
                            arguments = stringOrNull(f);
                        } else {
                            skipValue(3);
                        }
                    } while (next('}'));
                } else {
                    skipValue(2);
                }
            } while (next('}'));
        }
        return new ToolCallDelta(index, id, type, fnName, arguments);
    }

    private Usage usage() {
        if (d[pos] != '{') {
            throw GIVE_UP;
        }
        long prompt = 0;
        long completion = 0;
        long total = -1;
        long cached = 0;
        long reasoning = 0;
        if (openObject()) {
            do {
                name();
                if (is(PROMPT_TOKENS)) {
                    prompt = count();
                } else if (is(COMPLETION_TOKENS)) {
                    completion = count();
                } else if (is(TOTAL_TOKENS)) {
                    total = count();
                } else if (is(PROMPT_CACHE_HIT_TOKENS)) {
                    cached = Math.max(cached, count());
                } else if (is(PROMPT_TOKENS_DETAILS)) {
                    cached = Math.max(cached, nestedCount(CACHED_TOKENS));
                } else if (is(COMPLETION_TOKENS_DETAILS)) {
                    reasoning = nestedCount(REASONING_TOKENS);
                } else {
                    skipValue(1);
                }
            } while (next('}'));
        }
        return new Usage(prompt, completion, total < 0 ? prompt + completion : total, cached, reasoning);
    }

    /** A token count: an integer, or 0 for null (as the Jackson path reads it). */
    private long count() {
        return d[pos] == 'n' ? skipNull(0L) : longValue(MAX_LONG_DIGITS);
    }

    private long nestedCount(byte[] field) {
        if (d[pos] == 'n') {
            return skipNull(0L);
        }
        if (d[pos] != '{') {
            throw GIVE_UP;
        }
        long value = 0;
        if (openObject()) {
            do {
                name();
                if (is(field)) {
                    value = count();
                } else {
                    skipValue(2);
                }
            } while (next('}'));
        }
        return value;
    }

    // ---- JSON grammar ----

    /** At '{': steps in; returns false when the object is empty (and steps past it). */
    private boolean openObject() {
        return !enterIsEmpty('}');
    }

    /** At '[': steps in; returns true when the array is empty (and steps past it). */
    private boolean openArray() {
        return enterIsEmpty(']');
    }

    /** Steps past an opening bracket; returns whether close follows at once (and steps past it too). */
    private boolean enterIsEmpty(char close) {
        pos++;
        int c = ws();
        if (c == close) {
            pos++;
            return true;
        }
        if (c == -1) {
            throw GIVE_UP;
        }
        return false;
    }

    /**
     * After a value: steps past a comma (returning true, at the next value or name) or past the
     * closing bracket (returning false).
     */
    private boolean next(char close) {
        int c = ws();
        if (c == ',') {
            pos++;
            if (ws() == -1) {
                throw GIVE_UP;
            }
            return true;
        }
        if (c == close) {
            pos++;
            return false;
        }
        throw GIVE_UP;
    }

    /** Reads a field name and its colon, stopping at the value. Names with escapes or non-ASCII give up. */
    private void name() {
        byte[] a = d;
        int p = pos;
        if (a[p] != '"') {
            throw GIVE_UP;
        }
        int start = ++p;
        p = ByteScan.indexOfStringSpecial(a, p, end);
        if (p < 0 || a[p] != '"' || p - start > MAX_NAME_LENGTH) {
            throw GIVE_UP;
        }
        nameStart = start;
        nameEnd = p;
        pos = p + 1;
        if (ws() != ':') {
            throw GIVE_UP;
        }
        pos++;
        if (ws() == -1) {
            throw GIVE_UP;
        }
    }

    private boolean is(byte[] name) {
        int start = nameStart;
        int n = name.length;
        if (nameEnd - start != n) {
            return false;
        }
        byte[] a = d;
        for (int i = 0; i < n; i++) {
            if (a[start + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    /** Skips white space; returns the byte there, or -1 at the end of the payload. */
    private int ws() {
        byte[] a = d;
        int p = pos;
        int e = end;
        while (p < e) {
            byte b = a[p];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                pos = p;
                return b;
            }
            p++;
        }
        pos = p;
        return -1;
    }

    private <T> T skipNull(T value) {
        literal("null");
        return value;
    }

    private String reuseOrNull(byte v, String previous) {
        if (v == 'n') {
            return skipNull(null);
        }
        if (v != '"') {
            throw GIVE_UP;
        }
        return readString(previous);
    }

    private String stringOrNull(byte v) {
        if (v == 'n') {
            return skipNull(null);
        }
        if (v != '"') {
            throw GIVE_UP;
        }
        return readString(null);
    }

    /** At a string that {@link #stringEquals} matched: steps past it, returns the constant. */
    private String skipString(String constant) {
        pos = plainEnd + 1;
        return constant;
    }

    /**
     * At a string: returns whether it is plain ASCII (no escapes) and equal to text, leaving the
     * position unchanged; {@link #plainEnd} then marks its closing quote.
     */
    private boolean stringEquals(String text) {
        if (!scanPlain()) {
            return false;
        }
        int n = plainEnd - plainStart;
        return n == text.length() && sameAscii(plainStart, n, text);
    }

    /**
     * At a string's opening quote: finds whether its content is plain printable ASCII without
     * escapes, setting {@link #plainStart} and {@link #plainEnd} (the closing quote). Position unchanged.
     */
    private boolean scanPlain() {
        int p = pos + 1;
        plainStart = p;
        p = ByteScan.indexOfStringSpecial(d, p, end);
        if (p >= 0 && d[p] == '"') {
            plainEnd = p;
            return true;
        }
        plainEnd = -1;
        return false;
    }

    /** At a string: reads it, returning previous instead of a copy when the text is the same. */
    private String readString(String previous) {
        if (scanPlain()) {
            int start = plainStart;
            int n = plainEnd - start;
            pos = plainEnd + 1;
            if (previous != null && previous.length() == n && sameAscii(start, n, previous)) {
                return previous;
            }
            return new String(d, start, n, StandardCharsets.ISO_8859_1);
        }
        String s = decodeString();
        return s.equals(previous) ? previous : s;
    }

    private boolean sameAscii(int start, int n, String text) {
        byte[] a = d;
        for (int i = 0; i < n; i++) {
            if (a[start + i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Decodes a string with escapes or non-ASCII characters, validating both strictly. */
    private String decodeString() {
        char[][] holder = CHARS.get();
        char[] out = holder[0];
        int n = 0;
        byte[] a = d;
        int p = pos + 1;
        int e = end;
        while (true) {
            if (p >= e) {
                throw GIVE_UP;
            }
            int b = a[p++];
            if (out.length - n < 2) {
                out = grow(holder, out, n);
            }
            if (b == '"') {
                break;
            }
            if (b >= 0x20 && b != '\\') {
                out[n++] = (char) b;
            } else if (b == '\\') {
                if (p >= e) {
                    throw GIVE_UP;
                }
                int c = a[p++];
                switch (c) {
                    case '"', '\\', '/' -> out[n++] = (char) c;
                    case 'b' -> out[n++] = '\b';
                    case 'f' -> out[n++] = '\f';
                    case 'n' -> out[n++] = '\n';
                    case 'r' -> out[n++] = '\r';
                    case 't' -> out[n++] = '\t';
                    case 'u' -> {
                        if (e - p < 4) {
                            throw GIVE_UP;
                        }
                        out[n++] = (char) ((hex(a[p]) << 12) | (hex(a[p + 1]) << 8) | (hex(a[p + 2]) << 4) | hex(a[p + 3]));
                        p += 4;
                    }
                    default -> throw GIVE_UP;
                }
            } else if (b >= 0) {
                // An unescaped control character: invalid JSON.
                throw GIVE_UP;
            } else {
                p = utf8(a, p - 1, e, out, n);
                n += utf8Chars;
            }
        }
        pos = p;
        String s = new String(out, 0, n);
        if (out.length > MAX_KEPT_CHARS) {
            holder[0] = new char[256];
        }
        return s;
    }

    /**
     * Decodes one UTF-8 sequence starting at a[p] into out[n] (and out[n + 1] for a supplementary
     * character); returns the position after it. Overlong forms, surrogates and anything past
     * U+10FFFF give up, as do truncated sequences.
     */
    private int utf8(byte[] a, int p, int e, char[] out, int n) {
        int b0 = a[p] & 0xFF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            if (e - p < 2) {
                throw GIVE_UP;
            }
            out[n] = (char) (((b0 & 0x1F) << 6) | cont(a[p + 1]));
            utf8Chars = 1;
            return p + 2;
        }
        if (b0 >= 0xE0 && b0 <= 0xEF) {
            if (e - p < 3) {
                throw GIVE_UP;
            }
            int cp = ((b0 & 0x0F) << 12) | (cont(a[p + 1]) << 6) | cont(a[p + 2]);
            if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) {
                throw GIVE_UP;
            }
            out[n] = (char) cp;
            utf8Chars = 1;
            return p + 3;
        }
        if (b0 >= 0xF0 && b0 <= 0xF4) {
            if (e - p < 4) {
                throw GIVE_UP;
            }
            int cp = ((b0 & 0x07) << 18) | (cont(a[p + 1]) << 12) | (cont(a[p + 2]) << 6) | cont(a[p + 3]);
            if (cp < 0x10000 || cp > 0x10FFFF) {
                throw GIVE_UP;
            }
            out[n] = Character.highSurrogate(cp);
            out[n + 1] = Character.lowSurrogate(cp);
            utf8Chars = 2;
            return p + 4;
        }
        throw GIVE_UP;
    }

    private static int cont(byte b) {
        if ((b & 0xC0) != 0x80) {
            throw GIVE_UP;
        }
        return b & 0x3F;
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        throw GIVE_UP;
    }

    private static char[] grow(char[][] holder, char[] out, int n) {
        char[] bigger = new char[out.length * 2];
        System.arraycopy(out, 0, bigger, 0, n);
        holder[0] = bigger;
        return bigger;
    }

    /** Reads an integer (optional minus, no fraction or exponent) of at most maxDigits digits. */
    private long longValue(int maxDigits) {
        byte[] a = d;
        int p = pos;
        int e = end;
        boolean negative = p < e && a[p] == '-';
        if (negative) {
            p++;
        }
        int start = p;
        long value = 0;
        while (p < e) {
            int digit = a[p] - '0';
            if (digit < 0 || digit > 9) {
                break;
            }
            value = value * 10 + digit;
            p++;
        }
        int digits = p - start;
        if (digits == 0 || digits > maxDigits || (digits > 1 && a[start] == '0')) {
            throw GIVE_UP;
        }
        pos = p;
        endOfScalar();
        return negative ? -value : value;
    }

    /** A number, literal or string must be followed by white space, a comma, a bracket or the end. */
    private void endOfScalar() {
        if (pos < end) {
            byte b = d[pos];
            if (b != ',' && b != '}' && b != ']' && b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                throw GIVE_UP;
            }
        }
    }

    private void literal(String text) {
        int n = text.length();
        if (end - pos < n) {
            throw GIVE_UP;
        }
        for (int i = 0; i < n; i++) {
            if (d[pos + i] != text.charAt(i)) {
                throw GIVE_UP;
            }
        }
        pos += n;
        endOfScalar();
    }

    /** Skips any valid JSON value, validating it. */
    private void skipValue(int depth) {
        switch (d[pos]) {
            case '"' -> {
                if (scanPlain()) {
                    pos = plainEnd + 1;
                } else {
                    decodeString();
                }
            }
            case '{' -> {
                if (depth >= MAX_DEPTH) {
                    throw GIVE_UP;
                }
                if (openObject()) {
                    do {
                        name();
                        skipValue(depth + 1);
                    } while (next('}'));
                }
            }
            case '[' -> {
                if (depth >= MAX_DEPTH) {
                    throw GIVE_UP;
                }
                if (openArray()) {
                    return;
                }
                do {
                    skipValue(depth + 1);
                } while (next(']'));
            }
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> skipNumber();
        }
    }

    /** Skips a number, validating JSON's number grammar. */
    private void skipNumber() {
        byte[] a = d;
        int p = pos;
        int e = end;
        int start = p;
        if (p < e && a[p] == '-') {
            p++;
        }
        int digits = p;
        while (p < e && a[p] >= '0' && a[p] <= '9') {
            p++;
        }
        if (p == digits || (p - digits > 1 && a[digits] == '0')) {
            throw GIVE_UP;
        }
        if (p < e && a[p] == '.') {
            int fraction = ++p;
            while (p < e && a[p] >= '0' && a[p] <= '9') {
                p++;
            }
            if (p == fraction) {
                throw GIVE_UP;
            }
        }
        if (p < e && (a[p] == 'e' || a[p] == 'E')) {
            p++;
            if (p < e && (a[p] == '+' || a[p] == '-')) {
                p++;
            }
            int exponent = p;
            while (p < e && a[p] >= '0' && a[p] <= '9') {
                p++;
            }
            if (p == exponent) {
                throw GIVE_UP;
            }
        }
        if (p - start > MAX_SKIPPED_NUMBER) {
            throw GIVE_UP;
        }
        pos = p;
        endOfScalar();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Control flow only: no stack trace, no message, one instance. */
    private static final class GiveUp extends RuntimeException {
        GiveUp() {
            super(null, null, false, false);
        }
    }
}
