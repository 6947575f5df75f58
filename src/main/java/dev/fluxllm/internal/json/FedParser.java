package dev.fluxllm.internal.json;

import java.io.InputStream;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.util.JsonParserDelegate;

/**
 * Keeps one blocking parser for a whole stream, reading the events one after another from an
 * input that holds exactly the current event: no parser is built per event, and tokens are
 * read at the blocking parser's speed. An event that ends inside a value meets end of input,
 * which fails the event (and retires the parser).
 */
public final class FedParser extends JsonParserDelegate {

    private final EventInput input;
    /** Bytes of all events before the current one. */
    private long eventStart;
    private byte[] data;
    private int offset;
    private int length;

    /** A parser from {@code factory} (its read limits apply), with no databind context. */
    public FedParser(TokenStreamFactory factory) {
        this(factory, new EventInput());
    }

    private FedParser(TokenStreamFactory factory, EventInput input) {
        super(factory.createParser(ObjectReadContext.empty(), input));
        this.input = input;
    }

    /**
     * Makes {@code data[offset, offset + length)} the parser's whole input until
     * {@link #endEvent}; at least four bytes (the parser detects the encoding from the first
     * four bytes of its input).
     */
    public void feed(byte[] data, int offset, int length) {
        this.data = data;
        this.offset = offset;
        this.length = length;
        input.set(data, offset, length);
    }

    /**
     * Checks that only white space follows the value in the event, and lets go of its bytes. Call
     * after the event's one value was read.
     *
     * @throws ChunkReader.NotAnObjectException when more than white space follows the value;
     *         the parser then holds part of it and must not be fed again
     */
    public void endEvent() {
        long consumed = delegate.currentLocation().getByteOffset() - eventStart;
        for (int i = offset + (int) consumed, end = offset + length; i < end; i++) {
            byte b = data[i];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                throw new ChunkReader.NotAnObjectException("expected one JSON object, found more after it");
            }
        }
        // Bytes the parser never took (white space) will never count in its offset.
        eventStart += length - input.clear();
        data = null;
    }

    /** Holds the bytes of the current event for the parser; nothing more, so a cut-off value ends there. */
    private static final class EventInput extends InputStream {
        private byte[] data;
        private int pos;
        private int end;

        void set(byte[] data, int offset, int length) {
            this.data = data;
            this.pos = offset;
            this.end = offset + length;
        }

        /** Lets go of the event; returns how many of its bytes were never read. */
        int clear() {
            int unread = end - pos;
            data = null;
            pos = 0;
            end = 0;
            return unread;
        }

        @Override
        public int read() {
            return pos < end ? data[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= end) {
                return -1;
            }
            int n = Math.min(len, end - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
