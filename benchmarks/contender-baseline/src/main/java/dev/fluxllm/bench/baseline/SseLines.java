package dev.fluxllm.bench.baseline;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * The least an SSE reader must do: split bytes into lines across reads (LF or CRLF), keep the
 * {@code data:} payload, and hand it over on the blank line that ends the event.
 */
final class SseLines {

    interface Sink {
        void onData(byte[] data, int length);
    }

    private final Sink sink;
    private byte[] line = new byte[512];
    private int lineLength;
    private byte[] data = new byte[512];
    private int dataLength = -1;

    SseLines(Sink sink) {
        this.sink = sink;
    }

    void feed(ByteBuf buf) {
        int from = buf.readerIndex();
        int end = buf.writerIndex();
        while (from < end) {
            int lf = buf.indexOf(from, end, (byte) '\n');
            int stop = lf < 0 ? end : lf;
            append(buf, from, stop - from);
            if (lf < 0) {
                break;
            }
            endOfLine();
            from = lf + 1;
        }
    }

    private void append(ByteBuf buf, int from, int length) {
        if (lineLength + length > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
        }
        buf.getBytes(from, line, lineLength, length);
        lineLength += length;
    }

    private void endOfLine() {
        int n = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
        lineLength = 0;
        if (n == 0) {
            if (dataLength >= 0) {
                sink.onData(data, dataLength);
            }
            dataLength = -1;
        } else if (n >= 5 && line[0] == 'd' && line[1] == 'a' && line[2] == 't' && line[3] == 'a' && line[4] == ':') {
            int start = n > 5 && line[5] == ' ' ? 6 : 5;
            int len = n - start;
            // One data line per event in OpenAI streams; a second one is joined with '\n'.
            int at = dataLength < 0 ? 0 : dataLength + 1;
            if (at + len > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, at + len));
            }
            if (dataLength >= 0) {
                data[dataLength] = '\n';
            }
            System.arraycopy(line, start, data, at, len);
            dataLength = at + len;
        }
    }
}
