package dev.fluxllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.fluxllm.internal.chat.ChatStreamDecoder;
import dev.fluxllm.support.Eventually;
import dev.fluxllm.support.LocalServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Fuzzes the stream path with seeded randomness; a failure names its seed and case, and
 * {@code -Dfuzz.seed=N} replays the run.
 *
 * <ul>
 *   <li>valid streams in random provider styles, split at random, assemble to the response they
 *       were generated from, split or not;</li>
 *   <li>mutated and random bytes end in an {@link OpenAiCompatException} or a result, never in
 *       any other exception, never hang, never leak a buffer.</li>
 * </ul>
 *
 * A few thousand cases run in the suite; {@code -Dfuzz.cases=1000000} runs a million.
 */
class ChatStreamFuzzTest {

    static final int CASES = Integer.getInteger("fuzz.cases", 2000);
    static final int NETWORK_CASES = Integer.getInteger("fuzz.network.cases", 200);
    static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());

    static String replay(long caseSeed) {
        return "fuzz.seed=" + SEED + ", case seed " + caseSeed + " (replay: -Dfuzz.seed=" + SEED + ")";
    }

    static void progress(String what, int i) {
        if ((i + 1) % 100_000 == 0) {
            System.out.printf("fuzz: %s %d/%d cases, fuzz.seed=%d%n", what, i + 1, CASES, SEED);
        }
    }

    static Duration bound(int cases) {
        return Duration.ofSeconds(60).plusMillis(cases * 5L);
    }

    // ---------------------------------------------------------------- valid streams

    @Test
    @Timeout(value = 1, unit = TimeUnit.DAYS) // bounded by assertTimeoutPreemptively, scaled to fuzz.cases
    void validStreamsSplitAnywhereAssembleTheSame() {
        assertTimeoutPreemptively(bound(CASES), () -> {
            for (int i = 0; i < CASES; i++) {
                long caseSeed = SEED + i;
                Random random = new Random(caseSeed);
                StreamGen.Case c = StreamGen.generate(random);
                String where = replay(caseSeed) + ", style " + c.style() + ", stream:\n" + c.text();
                Decoded whole = decode(c.bytes(), new Random(caseSeed), false, 4 * 1024 * 1024);
                Decoded split = decode(c.bytes(), random, true, 4 * 1024 * 1024);
                assertThat(whole.failure).as(where).isNull();
                assertThat(split.failure).as(where).isNull();
                assertThat(split.done).as(where).isEqualTo(c.endsWithDone());
                ChatResponse expected = c.expected();
                assertThat(assemble(whole.chunks)).as(where).isEqualTo(expected);
                assertThat(assemble(split.chunks)).as(where).isEqualTo(expected);
                assertThat(split.chunks).as(where).isEqualTo(whole.chunks);
                progress("valid", i);
            }
        }, () -> "fuzz run did not finish in time: " + replay(SEED));
    }

    static ChatResponse assemble(List<ChatChunk> chunks) {
        return ChatStreams.assemble(Flux.fromIterable(chunks)).block();
    }

    /** What decoding one stream produced. */
    record Decoded(List<ChatChunk> chunks, boolean done, Throwable failure) { }

    /**
     * Feeds the bytes to a fresh decoder, whole or split at random (1 byte to a few KiB, as byte
     * arrays or as pooled direct, heap and composite buffers), then ends the body as the transport does.
     */
    static Decoded decode(byte[] bytes, Random random, boolean split, int maxEventBytes) {
        ChatStreamDecoder decoder = new ChatStreamDecoder(maxEventBytes, "req-1");
        List<ChatChunk> chunks = new ArrayList<>();
        int pos = 0;
        while (pos < bytes.length && decoder.failure() == null && !decoder.isDone()) {
            int len = !split ? bytes.length : Math.min(bytes.length - pos, switch (random.nextInt(4)) {
                case 0 -> 1;
                case 1 -> 1 + random.nextInt(8);
                case 2 -> 1 + random.nextInt(200);
                default -> 1 + random.nextInt(4096);
            });
            chunks.addAll(feed(decoder, bytes, pos, len, random));
            pos += len;
        }
        Throwable failure = decoder.failure();
        if (failure == null && !decoder.isDone()) {
            try {
                decoder.endOfBody(false);
            } catch (OpenAiCompatException e) {
                failure = e;
            }
        }
        return new Decoded(chunks, decoder.isDone(), failure);
    }

    static List<ChatChunk> feed(ChatStreamDecoder decoder, byte[] bytes, int pos, int len, Random random) {
        switch (random.nextInt(4)) {
            case 0 -> {
                ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(len);
                try {
                    buf.writeBytes(bytes, pos, len);
                    return decoder.decode(buf);
                } finally {
                    buf.release();
                }
            }
            case 1 -> {
                ByteBuf buf = Unpooled.wrappedBuffer(bytes, pos, len);
                return decoder.decode(buf);
            }
            case 2 -> {
                int half = len / 2;
                ByteBuf buf = Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(bytes, pos, half),
                        Unpooled.wrappedBuffer(bytes, pos + half, len - half));
                try {
                    return decoder.decode(buf);
                } finally {
                    buf.release();
                }
            }
            default -> {
                return decoder.decode(bytes, pos, len);
            }
        }
    }

    // ---------------------------------------------------------------- over the network

    @Test
    void validStreamsOverTheNetworkAssembleTheSame() {
        Map<Integer, StreamGen.Case> cases = new ConcurrentHashMap<>();
        for (int i = 0; i < NETWORK_CASES; i++) {
            cases.put(i, StreamGen.generate(new Random(SEED + i)));
        }
        Pattern caseId = Pattern.compile("case-(\\d+)");
        try (LocalServer server = LocalServer.start((req, res) -> req.receive().aggregate().asString().flatMap(body -> {
            Matcher m = caseId.matcher(body);
            m.find();
            int n = Integer.parseInt(m.group(1));
            byte[] bytes = cases.get(n).bytes();
            Random random = new Random(SEED ^ n);
            List<ByteBuf> pieces = new ArrayList<>();
            for (int pos = 0; pos < bytes.length; ) {
                int len = Math.min(bytes.length - pos, 1 + random.nextInt(random.nextBoolean() ? 16 : 2048));
                pieces.add(Unpooled.wrappedBuffer(bytes, pos, len));
                pos += len;
            }
            return res.header("Content-Type", "text/event-stream; charset=utf-8")
                    .send(Flux.fromIterable(pieces), b -> true).then();
        }));
             OpenAiCompatClient client = OpenAiCompatClient.builder().baseUrl(server.baseUrl()).defaultModel("m")
                     .name("fuzz-network").retryPolicy(RetryPolicy.none()).build()) {
            ConcurrentLinkedQueue<String> mismatches = new ConcurrentLinkedQueue<>();
            Flux.range(0, NETWORK_CASES)
                    .flatMap(n -> client.stream(ChatRequest.builder().user("case-" + n).build())
                            .as(ChatStreams::assemble)
                            .doOnNext(r -> {
                                if (!r.equals(cases.get(n).expected())) {
                                    mismatches.add(replay(SEED + n) + ": got " + r + ", expected " + cases.get(n).expected());
                                }
                            })
                            .onErrorResume(e -> {
                                java.io.StringWriter w = new java.io.StringWriter();
                                e.printStackTrace(new java.io.PrintWriter(w));
                                mismatches.add(replay(SEED + n) + ": " + w);
                                return Mono.empty();
                            }), 32)
                    .then()
                    .block(Duration.ofSeconds(60));
            assertThat(mismatches).isEmpty();
            Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(5), "connections released");
        }
    }

    // ---------------------------------------------------------------- arbitrary bytes

    static final String[] NASTY = {
        "data: [DONE]\n\n", "event: error\n", "data: {\"error\":{\"message\":\"boom\"}}\n\n", "\n\n", "\r", "\r\n",
        ": c\n", "data:", "data: {", "\"index\":2147483647", "\"index\":-7", "\"index\":99999999",
        "{\"choices\":[{\"index\":2000000000,\"delta\":{\"content\":\"x\"}}]}", "[[[[[[[[[[", "{\"a\":",
        "\"\\ud800\"", "\"\\u00", "\\", "\u0000", "1e999999", "-0", "99999999999999999999999",
        "{\"tool_calls\":[{\"index\":2147483647,\"function\":{\"arguments\":{\"a\":[1]}}}]}",
        "\"usage\":{\"prompt_tokens\":1e400,\"total_tokens\":-1}", "\"finish_reason\":{}", "\"choices\":null",
        "\"choices\":{}", "\"delta\":[]", "\"content\":7", "\"tool_calls\":\"x\"", "\"arguments\":[1,2]",
        "\uFEFF", "é", "🎉", "data: " + "[".repeat(5000) + "\n\n", "data: \"" + "x".repeat(3000) + "\"\n\n",
    };
    static final Pattern NUMBER_FIELD = Pattern.compile("\"(index|prompt_tokens|created)\":\\d+");
    static final String[] NASTY_NUMBERS = {"2147483647", "2147483648", "-1", "-2147483648", "1e10", "0.5",
        "99999999999999999999", "null", "\"3\"", "[]", "{}"};

    @Test
    @Timeout(value = 1, unit = TimeUnit.DAYS)
    void mutatedBytesFailOnlyWithTypedExceptions() {
        assertTimeoutPreemptively(bound(CASES), () -> {
            int failures = 0;
            for (int i = 0; i < CASES; i++) {
                long caseSeed = SEED + i;
                Random random = new Random(caseSeed);
                byte[] bytes = random.nextInt(10) == 0 ? randomBytes(random) : mutate(StreamGen.generate(random).text(), random);
                int maxEventBytes = random.nextBoolean() ? 1024 : 64 * 1024;
                Decoded d;
                try {
                    d = decode(bytes, random, true, maxEventBytes);
                    ChatResponse r = assemble(d.chunks);
                    for (var choice : r.choices()) {
                        for (ToolCall call : choice.toolCalls()) {
                            if (call.argumentsValid()) {
                                call.parsedArguments();
                            }
                        }
                    }
                } catch (Throwable t) {
                    throw new AssertionError("untyped failure, " + replay(caseSeed) + ", input:\n"
                            + new String(bytes, StandardCharsets.ISO_8859_1), t);
                }
                if (d.failure != null) {
                    assertThat(d.failure).as(replay(caseSeed)).isInstanceOf(OpenAiCompatException.class);
                    failures++;
                }
                progress("mutated", i);
            }
            System.out.printf("fuzz: %d mutated cases, %d ended in a typed failure, fuzz.seed=%d%n", CASES, failures, SEED);
            // The mutations must actually reach the error paths, not only harmless bytes.
            assertThat(failures).isGreaterThan(CASES / 10);
        }, () -> "fuzz run did not finish in time (a hang?): " + replay(SEED));
    }

    /** Found by the fuzzer: a choice index of two billion made the assembler allocate a slot per index (OOM). */
    @Test
    void hugeChoiceIndexCostsNothing() {
        byte[] bytes = ("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}]}\n\n"
                + "data: {\"choices\":[{\"index\":2147483647,\"delta\":{\"content\":\"b\"},\"finish_reason\":\"stop\"}]}\n\n")
                .getBytes(StandardCharsets.UTF_8);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            Decoded d = decode(bytes, new Random(1), false, 1024);
            assertThat(d.failure).as("every choice seen finished").isNull();
            ChatResponse r = assemble(d.chunks);
            assertThat(r.choices()).extracting(c -> c.index()).containsExactly(0, Integer.MAX_VALUE);
            assertThat(r.choices().get(1).text()).isEqualTo("b");
        });
    }

    static byte[] randomBytes(Random random) {
        byte[] b = new byte[random.nextInt(2000)];
        random.nextBytes(b);
        return b;
    }

    static byte[] mutate(String text, Random random) {
        if (random.nextBoolean()) {
            Matcher m = NUMBER_FIELD.matcher(text);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(sb, random.nextInt(4) == 0
                        ? "\"" + m.group(1) + "\":" + Matcher.quoteReplacement(NASTY_NUMBERS[random.nextInt(NASTY_NUMBERS.length)])
                        : Matcher.quoteReplacement(m.group()));
            }
            m.appendTail(sb);
            text = sb.toString();
        }
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int mutations = 1 + random.nextInt(6);
        for (int k = 0; k < mutations && b.length > 0; k++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(6)) {
                case 0 -> b[at] = (byte) random.nextInt(256);
                case 1 -> {
                    byte[] ins = new byte[1 + random.nextInt(8)];
                    random.nextBytes(ins);
                    b = splice(b, at, 0, ins);
                }
                case 2 -> b = splice(b, at, Math.min(b.length - at, 1 + random.nextInt(64)), new byte[0]);
                case 3 -> {
                    int len = Math.min(b.length - at, 1 + random.nextInt(200));
                    byte[] copy = new byte[len];
                    System.arraycopy(b, at, copy, 0, len);
                    b = splice(b, random.nextInt(b.length), 0, copy);
                }
                case 4 -> b = splice(b, at, 0, NASTY[random.nextInt(NASTY.length)].getBytes(StandardCharsets.UTF_8));
                default -> b = java.util.Arrays.copyOf(b, at);
            }
        }
        return b;
    }

    static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }
}
