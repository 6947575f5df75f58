package dev.fluxllm.internal.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Feeds realistic streams to the decoder whole, split in two at every byte offset, one byte per
 * read, and split at random in many pieces of random input forms: every way must yield the same
 * events as the fixture expects.
 */
class SseDecoderSplitTest {

    private static final int RANDOM_SPLITS_PER_FIXTURE = 100;

    static Stream<Fixture> fixtures() {
        return Fixtures.allLineEnds().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void wholeInputYieldsExpectedEvents(Fixture fixture) {
        RecordingListener listener = new RecordingListener();
        SseDecoder decoder = new SseDecoder(listener);
        byte[] bytes = fixture.bytes();
        decoder.decode(bytes, 0, bytes.length);

        assertThat(listener.events()).containsExactlyElementsOf(fixture.expected());
        assertThat(decoder.eventsDispatched()).isEqualTo(fixture.expected().size());
        assertThat(decoder.isStopped()).isEqualTo(fixture.expected().contains(Event.message("[DONE]")));
        assertThat(decoder.hasPartialEvent()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void everyTwoWaySplitYieldsExpectedEvents(Fixture fixture) {
        byte[] bytes = fixture.bytes();
        for (Feed feed : Feed.values()) {
            // ARRAY and COMPOSITE run the two input paths at every offset. The others add only how
            // the buffer is reached (arrayOffset, readerIndex) and cost more (a native allocation, or
            // a stack trace per access under the paranoid leak detector), so their offsets are sampled.
            int step = switch (feed) {
                case ARRAY, COMPOSITE -> 1;
                case HEAP -> 5;
                case DIRECT -> 11;
                case POOLED_DIRECT -> 61;
            };
            for (int split = 0; split <= bytes.length; split += step) {
                RecordingListener listener = new RecordingListener();
                SseDecoder decoder = new SseDecoder(listener);
                decodeRead(feed, decoder, bytes, 0, split);
                decodeRead(feed, decoder, bytes, split, bytes.length);
                assertThat(listener.events()).as("%s, split at %d", feed, split)
                        .containsExactlyElementsOf(fixture.expected());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void oneByteReadsYieldExpectedEvents(Fixture fixture) {
        RecordingListener listener = new RecordingListener();
        SseDecoder decoder = new SseDecoder(listener);
        byte[] bytes = fixture.bytes();
        for (int i = 0; i < bytes.length; i++) {
            decoder.decode(bytes, i, 1);
        }
        assertThat(listener.events()).containsExactlyElementsOf(fixture.expected());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void randomMultiWaySplitsYieldExpectedEvents(Fixture fixture) {
        byte[] bytes = fixture.bytes();
        long baseSeed = fixture.name().hashCode();
        for (int i = 0; i < RANDOM_SPLITS_PER_FIXTURE; i++) {
            long seed = baseSeed * 1000 + i;
            Random random = new Random(seed);
            RecordingListener listener = new RecordingListener();
            SseDecoder decoder = new SseDecoder(listener);
            Feed[] feeds = Feed.values();
            int pos = 0;
            while (pos < bytes.length) {
                // Mostly small pieces, so that line ends, colons and UTF-8 characters get cut often.
                int max = random.nextInt(4) == 0 ? 400 : 12;
                int end = Math.min(bytes.length, pos + random.nextInt(max + 1));
                Feed feed = feeds[random.nextInt(feeds.length)];
                if (feed == Feed.POOLED_DIRECT && random.nextInt(8) != 0) {
                    feed = Feed.DIRECT; // tracked buffers are slow under the paranoid leak detector
                }
                decodeRead(feed, decoder, bytes, pos, end);
                pos = end;
            }
            assertThat(listener.events()).as("seed %d", seed).containsExactlyElementsOf(fixture.expected());
        }
    }

    private static void decodeRead(Feed feed, SseDecoder decoder, byte[] bytes, int from, int to) {
        if (from == to && feed == Feed.COMPOSITE) {
            feed = Feed.HEAP;
        }
        feed.decode(decoder, bytes, from, to);
    }

    /** Lists the expected events of all fixtures, so a broken fixture cannot pass by expecting nothing. */
    @Test
    void fixturesExpectEvents() {
        List<Fixture> all = Fixtures.allLineEnds();
        assertThat(all).hasSize(Fixtures.base().size() * 3).allSatisfy(f -> assertThat(f.expected()).hasSizeGreaterThan(1));
    }
}
