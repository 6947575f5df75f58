package dev.fluxllm.internal.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Builds random streams from the pieces that matter to the grammar (field names, colons, spaces,
 * every kind of line end, BOMs, NULs, multi-byte characters), decodes them split at random, and
 * compares everything the decoder exposes with {@link ReferenceParser}.
 */
class SseDecoderFuzzTest {

    private static final String[] TOKENS = {
        "data", "data:", "data: ", "data:  ", "event:", "event: ", "id:", "id: ", "retry:", "retry: ", "Data:",
        "datax:", "foo:", "event", "id", "retry", ":", " ", "x", "abc", "é", "世", "🎉", "\uFEFF", "\u0000", "123",
        "99999999999999999999", "{\"a\":1}", "[DONE]", "error",
        "\n", "\n", "\n", "\r", "\r", "\r\n", "\r\n", "\n\n", "\r\n\r\n", "\r\r",
    };
    private static final int STREAMS = 2000;
    private static final int SPLITS_PER_STREAM = 4;
    private static final Feed[] FEEDS = {Feed.ARRAY, Feed.HEAP, Feed.DIRECT, Feed.COMPOSITE};

    @Test
    void randomStreamsSplitAtRandomMatchReferenceParser() {
        for (long seed = 0; seed < STREAMS; seed++) {
            Random random = new Random(seed);
            String text = randomStream(random);
            ReferenceParser.Result expected = ReferenceParser.parse(text);
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            for (int s = 0; s < SPLITS_PER_STREAM; s++) {
                RecordingListener listener = new RecordingListener();
                SseDecoder decoder = new SseDecoder(listener);
                int pos = 0;
                while (pos < bytes.length) {
                    int end = Math.min(bytes.length, pos + random.nextInt(s == 0 ? bytes.length + 1 : 9));
                    Feed feed = end == pos ? Feed.ARRAY : FEEDS[random.nextInt(FEEDS.length)];
                    feed.decode(decoder, bytes, pos, end);
                    pos = end;
                }
                String where = "seed " + seed + ", split " + s + ", input " + escape(text);
                assertThat(listener.events()).as(where).containsExactlyElementsOf(expected.events());
                assertThat(decoder.isStopped()).as(where).isEqualTo(expected.stopped());
                assertThat(decoder.retryMillis()).as(where).isEqualTo(expected.retryMillis());
                assertThat(decoder.eventsDispatched()).as(where).isEqualTo(expected.events().size());
                if (!expected.stopped()) {
                    assertThat(decoder.lastEventId()).as(where).isEqualTo(expected.lastEventId());
                    assertThat(decoder.hasPartialEvent()).as(where).isEqualTo(expected.partial());
                }
            }
        }
    }

    private static String randomStream(Random random) {
        StringBuilder sb = new StringBuilder();
        if (random.nextInt(3) == 0) {
            sb.append('\uFEFF');
        }
        int count = random.nextInt(60);
        for (int i = 0; i < count; i++) {
            sb.append(TOKENS[random.nextInt(TOKENS.length)]);
        }
        return sb.toString();
    }

    private static String escape(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n").replace("\u0000", "\\0").replace("\uFEFF", "<BOM>");
    }
}
