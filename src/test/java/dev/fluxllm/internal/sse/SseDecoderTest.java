package dev.fluxllm.internal.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxllm.MalformedResponseException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Checks each WHATWG event-stream rule on its own, one test per rule (after OkHttp's SSE reader tests). */
class SseDecoderTest {

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final RecordingListener listener = new RecordingListener();
    private final SseDecoder decoder = new SseDecoder(listener);

    // ---- line endings

    @Test
    void lfEndsLines() {
        assertThat(decode("data: a\ndata: b\n\ndata: c\n\n"))
                .containsExactly(Event.message("a\nb"), Event.message("c"));
    }

    @Test
    void crEndsLines() {
        assertThat(decode("data: a\rdata: b\r\rdata: c\r\r"))
                .containsExactly(Event.message("a\nb"), Event.message("c"));
    }

    @Test
    void crlfEndsLines() {
        assertThat(decode("data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n"))
                .containsExactly(Event.message("a\nb"), Event.message("c"));
    }

    @Test
    void mixedLineEndsEndLines() {
        assertThat(decode("data: a\rdata: b\ndata: c\r\n\ndata: d\r\r\n"))
                .containsExactly(Event.message("a\nb\nc"), Event.message("d"));
    }

    @Test
    void crlfSplitAcrossReadsIsOneLineEnd() {
        // Were CR and LF two line ends, "a" would be dispatched on its own.
        assertThat(decode("data: a\r", "\ndata: b\r", "\n\r", "\n"))
                .containsExactly(Event.message("a\nb"));
        assertThat(decoder.hasPartialEvent()).isFalse();
    }

    @Test
    void crlfSplitByEmptyReadIsOneLineEnd() {
        assertThat(decode("data: a\r", "", "\ndata: b\r\n\r\n")).containsExactly(Event.message("a\nb"));
    }

    @Test
    void crAtEndOfReadThenCrIsBlankLine() {
        assertThat(decode("data: a\r", "\r", "data: b\r", "\r"))
                .containsExactly(Event.message("a"), Event.message("b"));
    }

    @Test
    void crAtEndOfReadThenTextStartsNextLine() {
        assertThat(decode("data: a\r", "data: b\r\r")).containsExactly(Event.message("a\nb"));
    }

    @Test
    void blankLinesWithoutFieldsDispatchNothing() {
        assertThat(decode("\n\r\n\r\n\n\r")).isEmpty();
        assertThat(decoder.eventsDispatched()).isZero();
    }

    // ---- byte order mark

    @Test
    void leadingBomIgnored() {
        assertThat(decodeBytes(concat(BOM, utf8("data: a\n\n")))).containsExactly(Event.message("a"));
    }

    @Test
    void dispatchedBytesAreNeverReadAgain() {
        // The listener overwrites each event's bytes (its own copy of every read, so nothing is
        // shared between reads): events dispatched from the input and from the decoder's buffer
        // (split across reads, several data lines) must all come out whole.
        String stream = "data: one\n\ndata: t\u00e9\n\ndata: a\ndata: b\n\nid: 1\ndata: [x]\n\ndata: last\n\n";
        byte[] bytes = utf8(stream);
        for (int split = 0; split <= bytes.length; split++) {
            RecordingListener recorder = new RecordingListener(false, true);
            SseDecoder decoder = new SseDecoder(recorder);
            decoder.decode(java.util.Arrays.copyOfRange(bytes, 0, split), 0, split);
            decoder.decode(java.util.Arrays.copyOfRange(bytes, split, bytes.length), 0, bytes.length - split);
            assertThat(recorder.events()).as("split at %d", split).containsExactly(
                    Event.message("one"), Event.message("t\u00e9"), Event.message("a\nb"), Event.message("[x]"), Event.message("last"));
        }
    }

    @Test
    void leadingBomSplitAcrossReadsIgnored() {
        byte[] input = concat(BOM, utf8("data: a\n\n"));
        for (int first = 1; first <= 3; first++) {
            for (int second = first; second <= 4; second++) {
                RecordingListener recorder = new RecordingListener();
                SseDecoder fresh = new SseDecoder(recorder);
                fresh.decode(input, 0, first);
                assertThat(fresh.hasPartialEvent()).as("partial BOM pending after %d bytes", first)
                        .isEqualTo(first < 3);
                fresh.decode(input, first, second - first);
                fresh.decode(input, second, input.length - second);
                assertThat(recorder.events()).as("split at %d and %d", first, second)
                        .containsExactly(Event.message("a"));
            }
        }
    }

    @Test
    void secondBomIsLineContent() {
        // The second BOM becomes part of the field name "\uFEFFdata", which is unknown.
        assertThat(decodeBytes(concat(BOM, BOM, utf8("data: a\n\ndata: b\n\n")))).containsExactly(Event.message("b"));
    }

    @Test
    void bomAfterStartIsData() {
        assertThat(decode("data: a\n\n", "data: \uFEFFb\n\n", "\uFEFFdata: c\n\n"))
                .containsExactly(Event.message("a"), Event.message("\uFEFFb"));
    }

    @Test
    void partialBomIsLineContent() {
        // EF BB followed by "data" makes a six-byte, unknown field name: nothing may be dispatched.
        assertThat(decodeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB}, utf8("data: a\n\ndata: b\n\n")))
                .containsExactly(Event.message("b"));
    }

    // ---- comments, fields and values

    @Test
    void commentsIgnored() {
        assertThat(decode(": keep-alive\n\ndata: a\n: inside an event\ndata: b\n:\n\n: OPENROUTER PROCESSING\n\n"))
                .containsExactly(Event.message("a\nb"));
    }

    @Test
    void dataWithSpaceStripsIt() {
        assertThat(decode("data: a\n\n")).containsExactly(Event.message("a"));
    }

    @Test
    void dataWithoutSpaceKeepsValue() {
        assertThat(decode("data:a\n\n")).containsExactly(Event.message("a"));
    }

    @Test
    void dataWithTwoSpacesKeepsOne() {
        assertThat(decode("data:  a\n\n")).containsExactly(Event.message(" a"));
    }

    @Test
    void spaceAfterColonSplitFromColonStillStripped() {
        assertThat(decode("data:", " a\n\n", "data:", "  b\n\n"))
                .containsExactly(Event.message("a"), Event.message(" b"));
    }

    @Test
    void colonsInValueKept() {
        assertThat(decode("data: {\"a\":\"b:c\"}\n\n")).containsExactly(Event.message("{\"a\":\"b:c\"}"));
    }

    @Test
    void trailingSpacesInValueKept() {
        assertThat(decode("data: a  \n\n")).containsExactly(Event.message("a  "));
    }

    @Test
    void nakedDataFieldAppendsEmptyLine() {
        assertThat(decode("data\n\ndata: a\ndata\ndata: b\n\n"))
                .containsExactly(Event.message(""), Event.message("a\n\nb"));
    }

    @Test
    void multiLineDataJoinedWithLf() {
        assertThat(decode("data: one\ndata: two\ndata: three\n\n")).containsExactly(Event.message("one\ntwo\nthree"));
    }

    @Test
    void emptyDataEventDispatchedWithLengthZero() {
        List<Integer> lengths = new ArrayList<>();
        SseDecoder d = new SseDecoder((type, data, offset, length) -> lengths.add(length));
        byte[] input = utf8("data:\n\ndata: \n\n");
        d.decode(input, 0, input.length);
        assertThat(lengths).containsExactly(0, 0);
    }

    @Test
    void eventTypeKeptForOneEventThenReset() {
        assertThat(decode("event: add\ndata: 1\n\ndata: 2\n\n"))
                .containsExactly(Event.of("add", "1"), Event.message("2"));
    }

    @Test
    void eventTypeAfterDataApplies() {
        assertThat(decode("data: 1\nevent: error\n\n")).containsExactly(Event.of("error", "1"));
    }

    @Test
    void emptyEventTypeMeansMessage() {
        assertThat(decode("event: x\nevent:\ndata: 1\n\nevent\ndata: 2\n\n"))
                .containsExactly(Event.message("1"), Event.message("2"));
    }

    @Test
    void eventWithoutDataNotDispatchedButResetsType() {
        assertThat(decode("event: x\n\nid: 1\n\nretry: 5\n\ndata: 1\n\n")).containsExactly(Event.message("1"));
        assertThat(decoder.eventsDispatched()).isEqualTo(1);
    }

    @Test
    void idPersistsAcrossEvents() {
        List<String> ids = new ArrayList<>();
        SseDecoder[] holder = new SseDecoder[1];
        holder[0] = new SseDecoder((type, data, offset, length) -> ids.add(holder[0].lastEventId()));
        byte[] input = utf8("id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\nid\ndata: d\n\n");
        holder[0].decode(input, 0, input.length);
        assertThat(ids).containsExactly("1", "1", "2", "");
        assertThat(holder[0].lastEventId()).isEmpty();
    }

    @Test
    void idTakesEffectAtBlankLineEvenWithoutData() {
        decode("id: 7\n");
        assertThat(decoder.lastEventId()).isEmpty();
        decode("\n");
        assertThat(decoder.lastEventId()).isEqualTo("7");
        assertThat(listener.events()).isEmpty();
    }

    @Test
    void idWithNulIgnored() {
        decode("id: 1\n\nid: 2\u00003\n\n");
        assertThat(decoder.lastEventId()).isEqualTo("1");
    }

    @Test
    void idIsUtf8() {
        decode("id: é世🎉\n\n");
        assertThat(decoder.lastEventId()).isEqualTo("é世🎉");
    }

    @Test
    void lastEventIdInitiallyEmptyAndRetryUnset() {
        assertThat(decoder.lastEventId()).isEmpty();
        assertThat(decoder.retryMillis()).isEqualTo(-1);
        assertThat(decoder.eventsDispatched()).isZero();
        assertThat(decoder.isStopped()).isFalse();
        assertThat(decoder.hasPartialEvent()).isFalse();
    }

    @Test
    void retryWithDigitsSet() {
        decode("retry: 1500\n");
        assertThat(decoder.retryMillis()).isEqualTo(1500);
        decode("retry:0\n");
        assertThat(decoder.retryMillis()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"retry: 1a\n", "retry: -1\n", "retry:  10\n", "retry: 10 \n", "retry: 1.5\n",
        "retry:\n", "retry\n", "Retry: 20\n", "retry: ５\n"})
    void retryWithInvalidFormatIgnored(String line) {
        decode("retry: 1000\n", line);
        assertThat(decoder.retryMillis()).isEqualTo(1000);
    }

    @Test
    void retryTooLargeSaturates() {
        decode("retry: 99999999999999999999999\n");
        assertThat(decoder.retryMillis()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void unknownFieldIgnored() {
        assertThat(decode("foo: bar\ndata: a\nx\nlongfieldname: 1\ndatas: b\ndat: c\n\n"))
                .containsExactly(Event.message("a"));
    }

    @Test
    void fieldNamesAreCaseSensitive() {
        assertThat(decode("Data: a\nDATA: b\nEvent: x\ndata: c\n\n")).containsExactly(Event.message("c"));
    }

    @Test
    void leadingWhitespaceMakesFieldUnknown() {
        assertThat(decode(" data: a\n\tdata: b\ndata: c\n\n")).containsExactly(Event.message("c"));
    }

    // ---- end of input

    @Test
    void unterminatedLastEventNotDispatched() {
        assertThat(decode("data: a\n\ndata: b\n")).containsExactly(Event.message("a"));
        assertThat(decoder.hasPartialEvent()).isTrue();
    }

    @Test
    void unterminatedLastLineNotDispatched() {
        assertThat(decode("data: a\n\ndata: b")).containsExactly(Event.message("a"));
        assertThat(decoder.hasPartialEvent()).isTrue();
    }

    @Test
    void unterminatedEventTypeIsPartialEvent() {
        decode("event: error\n");
        assertThat(decoder.hasPartialEvent()).isTrue();
    }

    @Test
    void completeEventsLeaveNoPartialEvent() {
        decode("data: a\n\n: keep-alive\n");
        assertThat(decoder.hasPartialEvent()).isFalse();
        decode("data: b\r\n\r");
        assertThat(decoder.hasPartialEvent()).isFalse();
    }

    @Test
    void unterminatedCommentIsPartialLine() {
        decode(": keep-al");
        assertThat(decoder.hasPartialEvent()).isTrue();
    }

    // ---- stopping

    @Test
    void stopsAfterListenerReturnsFalse() {
        assertThat(decode("data: a\n\ndata: [DONE]\n\ndata: late\n\n")).containsExactly(
                Event.message("a"), Event.message("[DONE]"));
        assertThat(decoder.isStopped()).isTrue();
        assertThat(decoder.eventsDispatched()).isEqualTo(2);

        decode("data: later\n\n");
        assertThat(listener.events()).hasSize(2);
        assertThat(decoder.eventsDispatched()).isEqualTo(2);
    }

    @Test
    void stoppedDecoderStillConsumesByteBuf() {
        decode("data: [DONE]\n\n");
        ByteBuf buf = Unpooled.copiedBuffer("data: late\n\n", StandardCharsets.UTF_8);
        try {
            decoder.decode(buf);
            assertThat(buf.isReadable()).isFalse();
            assertThat(buf.refCnt()).isEqualTo(1);
        } finally {
            buf.release();
        }
        assertThat(listener.events()).containsExactly(Event.message("[DONE]"));
    }

    @Test
    void listenerExceptionPropagatesAndDecoderIgnoresLaterInput() {
        SseDecoder d = new SseDecoder((type, data, offset, length) -> {
            throw new IllegalStateException("boom");
        });
        byte[] input = utf8("data: a\n\n");
        assertThatThrownBy(() -> d.decode(input, 0, input.length)).isInstanceOf(IllegalStateException.class);
        d.decode(input, 0, input.length); // ignored, no second exception
        assertThat(d.eventsDispatched()).isEqualTo(1);
    }

    // ---- size limit

    @Test
    void eventAtMaximumSizeDispatched() {
        RecordingListener recorder = new RecordingListener();
        SseDecoder d = new SseDecoder(3, recorder);
        byte[] input = utf8("data: abc\n\ndata: a\ndata: b\n\n");
        d.decode(input, 0, input.length);
        assertThat(recorder.events()).containsExactly(Event.message("abc"), Event.message("a\nb"));
    }

    @Test
    void eventOverMaximumSizeThrows() {
        SseDecoder d = new SseDecoder(16, new RecordingListener());
        byte[] input = utf8("data: 0123456789abcdefg\n\n");
        assertThatThrownBy(() -> d.decode(input, 0, input.length))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessage("SSE event exceeds the maximum event size of 16 bytes")
                .satisfies(e -> assertThat(((MalformedResponseException) e).isRetryable()).isFalse());
    }

    @Test
    void eventOverMaximumSizeAcrossLinesAndReadsThrows() {
        SseDecoder d = new SseDecoder(3, new RecordingListener());
        // "a\nb" is 3 bytes; the separator before "c" makes 4.
        byte[] input = utf8("data: a\ndata: b\ndata: c\n\n");
        d.decode(input, 0, 10);
        assertThatThrownBy(() -> d.decode(input, 10, input.length - 10))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("maximum event size of 3 bytes");
    }

    @Test
    void defaultMaximumIsFourMebibytes() {
        assertThat(SseDecoder.DEFAULT_MAX_EVENT_BYTES).isEqualTo(4194304);
        byte[] big = new byte[SseDecoder.DEFAULT_MAX_EVENT_BYTES + 1];
        Arrays.fill(big, (byte) 'x');
        decode("data: ");
        assertThatThrownBy(() -> decoder.decode(big, 0, big.length))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessage("SSE event exceeds the maximum event size of 4194304 bytes");
    }

    @Test
    void fieldLineOverMaximumSizeThrows() {
        SseDecoder d = new SseDecoder(4, new RecordingListener());
        byte[] input = utf8("event: abcde\ndata: a\n\n");
        assertThatThrownBy(() -> d.decode(input, 0, input.length))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("maximum event size of 4 bytes");
    }

    @Test
    void decoderIgnoresInputAfterSizeError() {
        RecordingListener recorder = new RecordingListener();
        SseDecoder d = new SseDecoder(2, recorder);
        byte[] tooBig = utf8("data: abc\n\n");
        assertThatThrownBy(() -> d.decode(tooBig, 0, tooBig.length)).isInstanceOf(MalformedResponseException.class);
        byte[] fine = utf8("data: a\n\n");
        d.decode(fine, 0, fine.length);
        assertThat(recorder.events()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {":", ": ", "unknownfield: ", "foo", "Data: "})
    void hugeIgnoredLineFarOverLimitNeitherFailsNorIsBuffered(String prefix) {
        // 64 MiB of an ignored line through a decoder allowed 64 bytes: buffering it would throw.
        RecordingListener recorder = new RecordingListener();
        SseDecoder d = new SseDecoder(64, recorder);
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        byte[] start = utf8("data: a\n" + prefix);
        d.decode(start, 0, start.length);
        for (int i = 0; i < 1024; i++) {
            d.decode(chunk, 0, chunk.length);
        }
        byte[] end = utf8("\ndata: b\n\n");
        d.decode(end, 0, end.length);
        assertThat(recorder.events()).containsExactly(Event.message("a\nb"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void constructorRejectsLimitBelowOne(int limit) {
        assertThatThrownBy(() -> new SseDecoder(limit, listener))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxEventBytes");
    }

    @Test
    void limitOfOneAllowsOneByteEvents() {
        RecordingListener recorder = new RecordingListener();
        SseDecoder d = new SseDecoder(1, recorder);
        byte[] input = utf8("data: a\n\ndata\n\n");
        d.decode(input, 0, input.length);
        assertThat(recorder.events()).containsExactly(Event.message("a"), Event.message(""));
    }

    // ---- UTF-8 and input forms

    @Test
    void utf8SplitAtEveryOffsetComesOutIntact() {
        String text = "héllo 世界 🎉 ñ€𝄞";
        byte[] input = utf8("event: 世界\ndata: " + text + "\ndata: " + text + "\n\n");
        for (int split = 0; split <= input.length; split++) {
            RecordingListener recorder = new RecordingListener();
            SseDecoder d = new SseDecoder(recorder);
            d.decode(input, 0, split);
            d.decode(input, split, input.length - split);
            assertThat(recorder.events()).as("split at %d", split)
                    .containsExactly(Event.of("世界", text + "\n" + text));
        }
        RecordingListener recorder = new RecordingListener();
        SseDecoder d = new SseDecoder(recorder);
        for (int i = 0; i < input.length; i++) {
            d.decode(input, i, 1);
        }
        assertThat(recorder.events()).as("one byte per read").containsExactly(Event.of("世界", text + "\n" + text));
    }

    @ParameterizedTest
    @EnumSource(Feed.class)
    void byteBufInputAdvancesReaderIndexAndKeepsRefCnt(Feed feed) {
        // Feed checks readerIndex == writerIndex and refCnt == 1 after each decode.
        byte[] input = utf8("data: héllo\r\n\r\nevent: e\rdata: a\rdata: 世\r\r");
        feed.decode(decoder, input, 0, 20);
        feed.decode(decoder, input, 20, input.length);
        assertThat(listener.events()).containsExactly(Event.message("héllo"), Event.of("e", "a\n世"));
    }

    @Test
    void byteBufWithReadBytesSkipsThem() {
        ByteBuf buf = Unpooled.copiedBuffer("data: old\n\ndata: new\n\n", StandardCharsets.UTF_8);
        try {
            buf.readerIndex(11);
            decoder.decode(buf);
            assertThat(buf.readerIndex()).isEqualTo(buf.writerIndex());
        } finally {
            buf.release();
        }
        assertThat(listener.events()).containsExactly(Event.message("new"));
    }

    @Test
    void emptyByteBufChangesNothing() {
        ByteBuf buf = Unpooled.buffer(0);
        decoder.decode(buf);
        assertThat(buf.refCnt()).isEqualTo(1);
        buf.release();
        assertThat(decoder.hasPartialEvent()).isFalse();
    }

    @Test
    void arrayRangeChecked() {
        assertThatThrownBy(() -> decoder.decode(new byte[4], 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    // ---- helpers

    private List<Event> decode(String... reads) {
        for (String read : reads) {
            byte[] bytes = utf8(read);
            decoder.decode(bytes, 0, bytes.length);
        }
        return listener.events();
    }

    private List<Event> decodeBytes(byte[]... reads) {
        for (byte[] read : reads) {
            decoder.decode(read, 0, read.length);
        }
        return listener.events();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Test
    void aRepeatedEventNameIsTheSameStringAndEveryNameIsReadRight() {
        List<String> types = new java.util.ArrayList<>();
        SseDecoder d = new SseDecoder((type, data, offset, length) -> {
            types.add(type);
            return true;
        });
        byte[] stream = utf8("event: delta\ndata: 1\n\nevent: delta\ndata: 2\n\nevent: deltb\ndata: 3\n\n"
                + "event: d\u00e9lta\ndata: 4\n\nevent: d\u00e9lta\ndata: 5\n\ndata: 6\n\nevent: delta\ndata: 7\n\n");
        d.decode(stream, 0, stream.length);
        assertThat(types).containsExactly("delta", "delta", "deltb", "d\u00e9lta", "d\u00e9lta", null, "delta");
        assertThat(types.get(1)).isSameAs(types.get(0));
    }
}
