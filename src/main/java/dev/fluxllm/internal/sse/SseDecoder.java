package dev.fluxllm.internal.sse;

import dev.fluxllm.internal.bytes.ByteScan;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Decodes a {@code text/event-stream} body incrementally, following the WHATWG rules for parsing an
 * event stream, and hands each event's data to an {@link SseListener} as raw UTF-8 bytes.
 *
 * <p>Input may be split anywhere: inside a line, between a CR and its LF, inside a UTF-8 character
 * or inside the leading byte order mark. Data bytes are copied once, straight from the input into a
 * reusable buffer; only {@code event:}, {@code id:} and {@code retry:} values become strings.
 * Comment lines and unknown fields are skipped without being stored, so memory stays bounded by the
 * maximum event size (default {@value #DEFAULT_MAX_EVENT_BYTES} bytes) whatever the server sends.
 *
 * <p>An event still unterminated when input ends is never dispatched; {@link #hasPartialEvent()}
 * tells whether one was pending. One decoder serves one stream and must be used by one thread at a
 * time. After it has thrown, or after the listener returned false, it ignores further input.
 */
public final class SseDecoder {

    /** The default maximum size of one event's data, and of one buffered field line: 4 MiB. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 4 * 1024 * 1024;

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    /** {@link #bomMatched} once the start of the stream has been checked for a BOM. */
    private static final byte BOM_CHECKED = -1;

    /** Scratch for copying direct buffers; decoding is synchronous, so one per thread suffices. */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[16 * 1024]);

    private final SseListener listener;
    private final int maxEventBytes;
    /**
     * The event's data when it does not lie whole in one input; made on first use, like
     * {@link #value}: most events are dispatched from the input itself, and thousands of open
     * streams each keep a decoder.
     */
    private BoundedBytes data;
    /** The value of an {@code event}, {@code id} or {@code retry} line being read; made on first use. */
    private BoundedBytes value;
    /** The field name read so far, its bytes packed into a long (at most {@link Field#MAX_NAME_LENGTH}): no array per decoder. */
    private long name;

    // State of the line being read.
    // Bytes, not ints: small values, and every open stream keeps a decoder.
    private byte bomMatched;
    private boolean afterCr;
    private byte field = Field.PENDING;
    private byte nameLength;
    private boolean atValueStart;

    // State of the event being built.
    private boolean hasData;
    /**
     * The event's only data line when it lies whole in the input being decoded: dispatched from
     * there, not copied. Copied into {@link #data} before the input is let go.
     */
    private byte[] sliceArray;
    /** Whether {@link #sliceArray} holds the data line; the array itself stays referenced (see decode). */
    private boolean sliced;
    private int sliceStart;
    private int sliceLength;
    private String eventType;
    private String lastEventType;
    private boolean fieldsPending;
    private String idBuffer = "";

    // State of the stream.
    private String lastEventId = "";
    private long retryMillis = -1;
    private long eventsDispatched;
    private boolean stopped;
    private boolean failed;

    /** Creates a decoder with the default maximum event size, {@value #DEFAULT_MAX_EVENT_BYTES} bytes. */
    public SseDecoder(SseListener listener) {
        this(DEFAULT_MAX_EVENT_BYTES, listener);
    }

    /**
     * Creates a decoder.
     *
     * @param maxEventBytes the most data bytes one event may carry (its data lines joined with
     *                      '\n'), and the longest {@code event}/{@code id}/{@code retry} value; at least 1
     * @param listener      receives the events
     * @throws IllegalArgumentException when maxEventBytes is less than 1
     */
    public SseDecoder(int maxEventBytes, SseListener listener) {
        if (maxEventBytes < 1) {
            throw new IllegalArgumentException("maxEventBytes must be at least 1: " + maxEventBytes);
        }
        this.listener = Objects.requireNonNull(listener, "listener");
        this.maxEventBytes = maxEventBytes;
    }

    /**
     * Decodes all readable bytes of a buffer and advances its reader index to its writer index,
     * also when the decoder is stopped or throws. Never releases the buffer.
     *
     * @throws dev.fluxllm.MalformedResponseException when an event or field line exceeds the maximum size
     */
    public void decode(ByteBuf in) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        try {
            if (start < end && !ignoresInput()) {
                if (in.hasArray()) {
                    int base = in.arrayOffset();
                    run(in.array(), base + start, base + end);
                } else {
                    // One bulk copy per slice and a scan over an array beat a virtual call per byte
                    // on a direct buffer; the slice lives in a per-thread scratch array.
                    byte[] scratch = SCRATCH.get();
                    for (int pos = start; pos < end && !ignoresInput(); pos += scratch.length) {
                        int n = Math.min(end - pos, scratch.length);
                        in.getBytes(pos, scratch, 0, n);
                        run(scratch, 0, n);
                    }
                }
            }
        } finally {
            in.readerIndex(end);
            if (in.hasArray()) {
                forgetInput();
            }
            // The per-thread scratch array stays referenced: storing it again on every read would
            // make the garbage collector re-scan this long-lived decoder each time (a card mark).
        }
    }

    /**
     * Decodes length bytes of an array starting at offset. The decoder keeps no reference to it.
     *
     * @throws dev.fluxllm.MalformedResponseException when an event or field line exceeds the maximum size
     * @throws IndexOutOfBoundsException when the range lies outside the array
     */
    public void decode(byte[] in, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, in.length);
        if (length == 0 || ignoresInput()) {
            return;
        }
        try {
            run(in, offset, offset + length);
        } finally {
            forgetInput();
        }
    }

    /** Returns whether the listener returned false, after which all input is ignored. */
    public boolean isStopped() {
        return stopped;
    }

    /**
     * Returns the last event ID as of the last blank line (WHATWG's "last event ID string"),
     * {@code ""} initially. During {@link SseListener#onEvent} it is the dispatched event's ID.
     */
    public String lastEventId() {
        return lastEventId;
    }

    /** Returns the last valid {@code retry:} value in milliseconds, -1 when there was none. */
    public long retryMillis() {
        return retryMillis;
    }

    /**
     * Returns whether input is pending that has not been dispatched: part of a line without its end,
     * part of a byte order mark, or field lines not yet followed by a blank line. Comment lines and
     * ignored fields do not count. True at the end of a stream means it was cut off mid-event.
     */
    public boolean hasPartialEvent() {
        return bomMatched > 0 || field != Field.PENDING || nameLength > 0 || fieldsPending;
    }

    /** Returns how many events were handed to the listener. */
    public long eventsDispatched() {
        return eventsDispatched;
    }

    private boolean ignoresInput() {
        return stopped || failed;
    }

    /** Decodes source[pos, end), which is not empty. */
    private void run(byte[] source, int pos, int end) {
        try {
            if (bomMatched != BOM_CHECKED) {
                pos = skipBom(source, pos, end);
            }
            if (afterCr && pos < end) {
                // The CR that ended the previous read was the line end; an LF now is its second half.
                afterCr = false;
                if (source[pos] == '\n') {
                    pos++;
                }
            }
            while (pos < end && !stopped) {
                int lineEnd = ByteScan.indexOfLineEnd(source, pos, end);
                if (lineEnd < 0) {
                    readLinePart(source, pos, end, false);
                    return;
                }
                readLinePart(source, pos, lineEnd, true);
                endLine();
                pos = lineEnd + 1;
                if (source[lineEnd] == '\r') {
                    if (pos == end) {
                        afterCr = true;
                    } else if (source[pos] == '\n') {
                        pos++;
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            // A half-read line cannot be resumed; listener exceptions land here too.
            failed = true;
            sliced = false;
            throw e;
        } finally {
            if (sliced) {
                unslice();
            }
        }
    }

    /** Drops the references to a caller's array, which the decoder must not keep alive. */
    private void forgetInput() {
        sliceArray = null;
    }

    /** Copies the data line kept as a slice of the input into the event's buffer. */
    private void unslice() {
        sliced = false;
        data().append(sliceArray, sliceStart, sliceLength);
    }

    /** Skips a leading BOM, which may arrive split across reads; returns where the content starts. */
    private int skipBom(byte[] source, int pos, int end) {
        while (pos < end && bomMatched < BOM.length) {
            if (source[pos] != BOM[bomMatched]) {
                // Not a BOM after all: the bytes matched so far are the start of the first line.
                byte matched = bomMatched;
                bomMatched = BOM_CHECKED;
                if (matched > 0) {
                    readLinePart(BOM, 0, matched, false);
                }
                return pos;
            }
            bomMatched++;
            pos++;
        }
        if (bomMatched == BOM.length) {
            bomMatched = BOM_CHECKED;
        }
        return pos;
    }

    /**
     * Reads source[from, to), a part of the current line without its line end; lineEnds tells
     * whether the line ends at {@code to}.
     */
    private void readLinePart(byte[] source, int from, int to, boolean lineEnds) {
        boolean wholeLine = lineEnds && field == Field.PENDING && nameLength == 0;
        if (field == Field.PENDING) {
            while (from < to) {
                byte b = source[from++];
                if (b == ':') {
                    startValue(Field.of(name, nameLength));
                    break;
                }
                if (nameLength == Field.MAX_NAME_LENGTH) {
                    // Longer than any known field name: skip the rest of the line.
                    field = Field.IGNORED;
                    return;
                }
                name = name << 8 | (b & 0xFF);
                nameLength++;
            }
        }
        if (from == to || field == Field.IGNORED) {
            return;
        }
        if (atValueStart) {
            atValueStart = false;
            if (source[from] == ' ' && ++from == to) {
                return;
            }
        }
        if (field == Field.DATA) {
            if (wholeLine && (data == null || data.length() == 0) && !sliced) {
                // The event's first data line, whole in this input: dispatched from here if the
                // event ends in this input too (the usual case), copied otherwise.
                if (to - from > maxEventBytes) {
                    throw data().tooLarge();
                }
                if (sliceArray != source) {
                    sliceArray = source;
                }
                sliced = true;
                sliceStart = from;
                sliceLength = to - from;
                return;
            }
            if (sliced) {
                unslice();
            }
            data().append(source, from, to - from);
        } else {
            value().append(source, from, to - from);
        }
    }

    private void startValue(int f) {
        field = (byte) f;
        atValueStart = f != Field.IGNORED;
        if (f == Field.DATA) {
            startDataLine();
        }
    }

    private void startDataLine() {
        if (hasData) {
            if (sliced) {
                unslice();
            }
            data().append((byte) '\n');
        }
        hasData = true;
    }

    /** Acts on the line just ended: a blank line dispatches, a field line takes effect. */
    private void endLine() {
        int f = field;
        if (f == Field.PENDING) {
            if (nameLength == 0) {
                dispatch();
                return;
            }
            // A line without a colon is a field name with an empty value.
            f = Field.of(name, nameLength);
            if (f == Field.DATA) {
                startDataLine();
            }
        }
        switch (f) {
            case Field.EVENT -> eventType = valueLength() == 0 ? null : eventType();
            case Field.ID -> {
                if (valueLength() == 0) {
                    idBuffer = "";
                } else if (!value.contains((byte) 0)) {
                    idBuffer = value.toUtf8();
                }
            }
            case Field.RETRY -> parseRetry();
            default -> {
            }
        }
        if (f != Field.IGNORED) {
            fieldsPending = true;
        }
        field = Field.PENDING;
        name = 0;
        nameLength = 0;
        atValueStart = false;
        if (value != null) {
            value.clear();
        }
    }

    private BoundedBytes data() {
        BoundedBytes d = data;
        if (d == null) {
            d = new BoundedBytes(maxEventBytes, "SSE event");
            data = d;
        }
        return d;
    }

    private BoundedBytes value() {
        BoundedBytes v = value;
        if (v == null) {
            v = new BoundedBytes(maxEventBytes, "SSE field line");
            value = v;
        }
        return v;
    }

    private int valueLength() {
        return value == null ? 0 : value.length();
    }

    /** The event type just read: the previous event's string when the bytes are the same (they mostly are). */
    private String eventType() {
        String last = lastEventType;
        if (last != null && value.equalsAscii(last)) {
            return last;
        }
        last = value.toUtf8();
        lastEventType = last;
        return last;
    }

    private void parseRetry() {
        int length = valueLength();
        if (length == 0) {
            return;
        }
        byte[] digits = value.array();
        long millis = 0;
        for (int i = 0; i < length; i++) {
            int d = digits[i] - '0';
            if (d < 0 || d > 9) {
                return;
            }
            // Saturate rather than overflow: an absurd delay is still "wait very long".
            millis = millis > (Long.MAX_VALUE - d) / 10 ? Long.MAX_VALUE : millis * 10 + d;
        }
        retryMillis = millis;
    }

    private void dispatch() {
        if (lastEventId != idBuffer) {
            // Stored only when it changes (a reference store costs the garbage collector a card).
            lastEventId = idBuffer;
        }
        fieldsPending = false;
        String type = eventType;
        eventType = null;
        if (!hasData) {
            return;
        }
        // Reset before the call, so that the state is clean whatever the listener does; the bytes
        // stay in place until the next data line overwrites them.
        byte[] bytes;
        int offset;
        int length;
        if (sliced) {
            bytes = sliceArray;
            offset = sliceStart;
            length = sliceLength;
            sliced = false;
        } else {
            BoundedBytes d = data();
            bytes = d.array();
            offset = 0;
            length = d.length();
            d.clear();
        }
        hasData = false;
        eventsDispatched++;
        if (!listener.onEvent(type, bytes, offset, length)) {
            stopped = true;
        }
    }
}
