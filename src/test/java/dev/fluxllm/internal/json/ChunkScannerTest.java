package dev.fluxllm.internal.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChunkChoice;
import dev.fluxllm.ToolCallDelta;
import dev.fluxllm.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast path ({@link ChunkScanner}) must read every payload it accepts exactly as the Jackson
 * path does, and must give up on everything else: checked on the shapes real servers send and on
 * random and mutated payloads against {@link ChunkReader#jacksonOnly()}.
 */
class ChunkScannerTest {

    @ParameterizedTest
    @ValueSource(strings = {
        // OpenAI: first delta, content, tool opener and fragment, finish, usage-only chunk.
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]}",
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Caf\\u00e9 \\\"quoted\\\"\\n\"},\"finish_reason\":null}]}",
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}",
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"ci\"}}]}}]}",
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
        "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12,\"total_tokens\":21,\"prompt_tokens_details\":{\"cached_tokens\":4},\"completion_tokens_details\":{\"reasoning_tokens\":2}}}",
        // vLLM: tool opener without arguments; llama.cpp: content null; DeepSeek: reasoning_content.
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"type\":\"function\",\"id\":\"chatcmpl-tool-9\",\"function\":{\"name\":\"get_weather\"}}]}}]}",
        "{\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null}}],\"created\":1,\"id\":\"chatcmpl-x\",\"model\":\"m\",\"object\":\"chat.completion.chunk\"}",
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":null,\"reasoning_content\":\"Let me think\"}}],\"usage\":null}",
        // Groq's x_groq, Azure's filter results, two choices, pretty-printed, emoji and accents raw.
        "{\"id\":\"c\",\"x_groq\":{\"id\":\"req_1\",\"usage\":{\"queue_time\":0.01}},\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}",
        "{\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\",\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":{\"hate\":{\"filtered\":false,\"severity\":\"safe\"}}}]}",
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}},{\"index\":1,\"delta\":{\"content\":\"b\"}}]}",
        "{\n  \"id\" : \"c\" ,\n  \"choices\" : [ { \"index\" : 0 , \"delta\" : { \"content\" : \"x\" } } ]\n}\n",
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"caf\u00e9 \uD83D\uDE00 \u4e2d\u6587\"}}]}",
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\\uD83D\\uDE00 \\t\\\\ \\/\"}}],\"score\":-1.5e-3,\"ok\":true,\"no\":false}",
    })
    void readsWhatServersSendOnTheFastPathAsJacksonDoes(String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        ChunkScanner scanner = new ChunkScanner();
        ChatChunk fast = scanner.scan(bytes, 0, bytes.length);
        assertThat(fast).as("fast path taken").isNotNull();
        ChunkReader reference = ChunkReader.jacksonOnly();
        assertThat(fast).isEqualTo(reference.read(bytes, 0, bytes.length));
        assertThat(scanner.hadChoices()).isEqualTo(reference.hadChoices());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}",
        "{\"object\":\"error\",\"message\":\"bad\",\"code\":400}",
        "{\"error\":\"overloaded\",\"error_type\":\"overloaded\"}",
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":[{\"type\":\"text\",\"text\":\"a\"}]}}]}",
        "{\"id\":\"c\",\"created\":1.7e9,\"choices\":[]}",
        "{\"id\":\"c\",\"choices\":[{\"index\":12345678901,\"delta\":{}}]}",
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":{\"a\":1}}}]}}]}",
        "{\"i\\u0064\":\"c\",\"choices\":[]}",
        "{\"id\":\"c\",\"choices\":[]} {}",
        "{\"id\":\"c\",\"choices\":[],}",
        "{\"id\":\"c\",\"choices\":[{\"index\":01}]}",
        "{\"id\":\"c\tx\",\"choices\":[]}",
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\\x\"}}]}",
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"abc",
        "[1,2]",
        "\"text\"",
    })
    void givesUpOnAnythingElse(String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        assertThat(new ChunkScanner().scan(bytes, 0, bytes.length)).isNull();
        assertThat(outcome(ChunkReader.forStream(), bytes)).isEqualTo(outcome(ChunkReader.jacksonOnly(), bytes));
    }

    @Test
    void leavesJacksonsLengthLimitsToJackson() {
        byte[] bytes = ("{\"" + "k".repeat(60_000) + "\":1,\"id\":\"c\",\"choices\":[]}").getBytes(StandardCharsets.UTF_8);
        assertThat(new ChunkScanner().scan(bytes, 0, bytes.length)).isNull();
        assertThat(outcome(ChunkReader.forStream(), bytes)).isEqualTo(outcome(ChunkReader.jacksonOnly(), bytes))
                .isInstanceOf(String.class);
        byte[] number = ("{\"id\":\"c\",\"x\":" + "9".repeat(2000) + ",\"choices\":[]}").getBytes(StandardCharsets.UTF_8);
        assertThat(new ChunkScanner().scan(number, 0, number.length)).isNull();
        assertThat(outcome(ChunkReader.forStream(), number)).isEqualTo(outcome(ChunkReader.jacksonOnly(), number));
    }

    @Test
    void givesUpOnInvalidUtf8AndOverlongForms() {
        for (byte[] bad : List.of(
                new byte[] {(byte) 0xC3},                               // truncated
                new byte[] {(byte) 0xC0, (byte) 0xAF},                  // overlong '/'
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},     // a surrogate in UTF-8
                new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
                new byte[] {(byte) 0x80})) {                            // a lone continuation byte
            byte[] bytes = concat("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a", bad, "b\"}}]}");
            assertThat(new ChunkScanner().scan(bytes, 0, bytes.length)).isNull();
            assertThat(outcome(ChunkReader.forStream(), bytes)).isEqualTo(outcome(ChunkReader.jacksonOnly(), bytes));
        }
    }

    @Test
    void reusesRepeatedValuesInsteadOfCopyingThem() {
        ChunkScanner scanner = new ChunkScanner();
        byte[] a = "{\"id\":\"chatcmpl-1\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}".getBytes(StandardCharsets.UTF_8);
        byte[] b = "{\"id\":\"chatcmpl-1\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"b\"}}]}".getBytes(StandardCharsets.UTF_8);
        ChatChunk first = scanner.scan(a, 0, a.length);
        ChatChunk second = scanner.scan(b, 0, b.length);
        assertThat(second.id()).isSameAs(first.id());
        assertThat(second.model()).isSameAs(first.model());
        assertThat(second.text()).isEqualTo("b");
    }

    @Test
    void readsOnlyTheGivenRangeOfALargerArray() {
        byte[] payload = "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}".getBytes(StandardCharsets.UTF_8);
        byte[] array = concat("garbage{", payload, "}more");
        // The range stops at the payload's end: the bytes after it must not be read.
        ChatChunk chunk = new ChunkScanner().scan(array, 8, payload.length);
        assertThat(chunk).isNotNull();
        assertThat(chunk.text()).isEqualTo("x");
        assertThat(new ChunkScanner().scan(array, 8, payload.length - 1)).as("cut short").isNull();
    }

    @Test
    void randomPayloadsReadTheSameAsWithJackson() {
        SplittableRandom random = new SplittableRandom(Long.getLong("scanner.seed", 20261121L));
        int cases = Integer.getInteger("scanner.cases", 20_000);
        int fast = 0;
        for (int stream = 0; stream < cases / 10; stream++) {
            ChunkReader reader = ChunkReader.forStream();
            ChunkReader reference = ChunkReader.jacksonOnly();
            ChunkScanner probe = new ChunkScanner();
            for (int i = 0; i < 10; i++) {
                byte[] bytes = new ChunkGenerator(random).chunk().getBytes(StandardCharsets.UTF_8);
                if (random.nextInt(3) == 0) {
                    bytes = mutate(random, bytes);
                }
                Object expected = outcome(reference, bytes);
                assertThat(outcome(reader, bytes)).as(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(expected);
                if (probe.scan(bytes, 0, bytes.length) != null) {
                    fast++;
                    assertThat(expected).as("accepted by the fast path, so valid: %s",
                            new String(bytes, StandardCharsets.UTF_8)).isInstanceOf(Result.class);
                }
            }
        }
        // The generator favours odd forms, which the fast path leaves to Jackson; enough payloads
        // must still take it for the comparison above to test it.
        assertThat(fast).isGreaterThan(cases / 20);
    }

    /** Envelopes around a content body ({@code @}): the template path's cases, tricky ones included. */
    private static final String[] ENVELOPES = {
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1741569952,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"@\"},\"logprobs\":null,\"finish_reason\":null}]}",
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"@\",\"refusal\":null}}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}",
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"@\",\"content\":\"later wins\"}}]}",
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"@\"},\"message\":{\"content\":null}}]}",
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"@\"}},{\"index\":1,\"delta\":{\"content\":\"b\"}}]}",
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"@\"}}],\"choices\":[{\"index\":1,\"delta\":{}}]}",
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"@\",\"reasoning_content\":\"r\",\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]}}]}",
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"@\"},\"finish_reason\":\"stop\"}],\"x\":[1,{\"y\":\"@\"}]} ",
        "{ \"choices\" : [ { \"delta\" : { \"content\" : \"@\" } } ] }\n",
    };

    @Test
    void payloadsThatDifferOnlyInTheirContentReadTheSameAsWithJackson() {
        SplittableRandom random = new SplittableRandom(Long.getLong("scanner.seed", 20261204L));
        int cases = Integer.getInteger("scanner.cases", 20_000);
        String[] pieces = {"a", " the", "\\\"", "\\\\", "\\n", "\\u00e9", "\\uD83D\\uDE00", "\\uD83D", "\\", "\\x", "\\u12",
            "\"", "\"}", "\",\"content\":\"", "\t", "\u00e9", "\u4e2d", "\uD83D\uDE00", "\u0000", "}]}", "", " "};
        int byTemplate = 0;
        for (int stream = 0; stream < cases / 20; stream++) {
            ChunkReader reader = ChunkReader.forStream();
            ChunkReader reference = ChunkReader.jacksonOnly();
            ChunkScanner probe = new ChunkScanner();
            String envelope = ENVELOPES[random.nextInt(ENVELOPES.length)];
            for (int i = 0; i < 20; i++) {
                if (random.nextInt(10) == 0) {
                    envelope = ENVELOPES[random.nextInt(ENVELOPES.length)];
                }
                StringBuilder body = new StringBuilder();
                for (int n = random.nextInt(4); n > 0; n--) {
                    body.append(pieces[random.nextInt(pieces.length)]);
                }
                byte[] bytes = envelope.replace("@", body).getBytes(StandardCharsets.UTF_8);
                switch (random.nextInt(8)) {
                    case 0 -> bytes = mutate(random, bytes);
                    case 1 -> {
                        // Bytes that are not UTF-8 inside the content.
                        int at = envelope.indexOf('@');
                        bytes = concat(envelope.substring(0, at), new byte[] {(byte) (0x80 + random.nextInt(128)), 'z'},
                                envelope.substring(at + 1));
                    }
                    default -> {
                    }
                }
                Object expected = outcome(reference, bytes);
                assertThat(outcome(reader, bytes)).as(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(expected);
                int before = probe.templateReads;
                ChatChunk viaProbe = probe.scan(bytes, 0, bytes.length);
                if (probe.templateReads != before) {
                    byTemplate++;
                    assertThat(expected).isInstanceOf(Result.class);
                    assertThat(viaProbe).isEqualTo(((Result) expected).chunk());
                }
            }
        }
        assertThat(byTemplate).as("payloads read by the template").isGreaterThan(cases / 10);
    }

    /** What a read gave: the chunk and flags, or the class of what it threw. */
    private static Object outcome(ChunkReader reader, byte[] bytes) {
        try {
            ChatChunk chunk = reader.read(bytes, 0, bytes.length);
            return new Result(chunk, reader.hadChoices(), reader.error());
        } catch (RuntimeException e) {
            reader.release();
            return e.getClass().getName();
        }
    }

    private record Result(ChatChunk chunk, boolean hadChoices, WireError error) {
    }

    private static byte[] mutate(SplittableRandom random, byte[] bytes) {
        if (bytes.length == 0) {
            return bytes;
        }
        int at = random.nextInt(bytes.length);
        return switch (random.nextInt(5)) {
            case 0 -> {
                byte[] copy = bytes.clone();
                copy[at] = (byte) random.nextInt(256);
                yield copy;
            }
            case 1 -> concat(new String(bytes, 0, at, StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.ISO_8859_1),
                    new byte[0], new String(bytes, at + 1, bytes.length - at - 1, StandardCharsets.ISO_8859_1));
            case 2 -> java.util.Arrays.copyOf(bytes, at);
            case 3 -> {
                byte[] copy = new byte[bytes.length + 1];
                System.arraycopy(bytes, 0, copy, 0, at);
                String pool = "{}[]\",:\\ 0-.eEtfnu\u0080";
                copy[at] = (byte) pool.charAt(random.nextInt(pool.length()));
                System.arraycopy(bytes, at, copy, at + 1, bytes.length - at);
                yield copy;
            }
            default -> {
                byte[] copy = bytes.clone();
                copy[at] = (byte) (0x80 + random.nextInt(128));
                yield copy;
            }
        };
    }

    private static byte[] concat(String head, byte[] middle, String tail) {
        return concat(head.getBytes(StandardCharsets.ISO_8859_1), middle, tail);
    }

    private static byte[] concat(byte[] head, byte[] middle, String tail) {
        byte[] t = tail.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[head.length + middle.length + t.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(middle, 0, out, head.length, middle.length);
        System.arraycopy(t, 0, out, head.length + middle.length, t.length);
        return out;
    }

    /** Writes random chunk payloads: every field in several forms, unknown fields, odd spacing. */
    private static final class ChunkGenerator {
        private final SplittableRandom r;
        private final StringBuilder sb = new StringBuilder();

        ChunkGenerator(SplittableRandom r) {
            this.r = r;
        }

        String chunk() {
            object(List.of(
                () -> field("id", () -> oneOf(() -> string(), () -> sb.append("null"), () -> value(2))),
                () -> field("object", () -> oneOf(() -> sb.append("\"chat.completion.chunk\""), () -> sb.append("\"error\""), () -> value(2))),
                () -> field("created", () -> oneOf(() -> number(), () -> sb.append("1700000000"), () -> value(2))),
                () -> field("model", () -> oneOf(() -> string(), () -> sb.append("\"gpt-4o\""))),
                () -> field("system_fingerprint", () -> value(3)),
                () -> field("choices", () -> oneOf(() -> array(this::choice), () -> sb.append("null"), () -> value(2))),
                () -> field("usage", () -> oneOf(this::usage, () -> sb.append("null"), () -> value(2))),
                () -> field(r.nextInt(20) == 0 ? "error" : "x_extra", () -> value(3))));
            return sb.toString();
        }

        private void choice() {
            if (r.nextInt(20) == 0) {
                value(2);
                return;
            }
            object(List.of(
                () -> field("index", () -> oneOf(() -> sb.append(r.nextInt(3)), () -> number(), () -> sb.append("null"))),
                () -> field(r.nextBoolean() ? "delta" : "message", () -> oneOf(this::delta, () -> sb.append("null"), () -> value(1))),
                () -> field("finish_reason", () -> oneOf(() -> sb.append("null"), () -> sb.append("\"stop\""), () -> string(), () -> value(1))),
                () -> field("logprobs", () -> value(3))));
        }

        private void delta() {
            object(List.of(
                () -> field("role", () -> oneOf(() -> sb.append("\"assistant\""), () -> string(), () -> sb.append("null"))),
                () -> field("content", () -> oneOf(() -> string(), () -> sb.append("null"), () -> value(2))),
                () -> field(r.nextBoolean() ? "reasoning_content" : "reasoning", () -> oneOf(() -> string(), () -> sb.append("null"))),
                () -> field("reasoning", () -> oneOf(() -> string(), () -> sb.append("\"\""))),
                () -> field("tool_calls", () -> oneOf(() -> array(this::toolCall), () -> sb.append("null"), () -> value(1))),
                () -> field("refusal", () -> value(2))));
        }

        private void toolCall() {
            object(List.of(
                () -> field("index", () -> oneOf(() -> sb.append(r.nextInt(3)), () -> sb.append("null"), () -> number())),
                () -> field("id", () -> oneOf(() -> sb.append("\"call_1\""), () -> string(), () -> sb.append("null"))),
                () -> field("type", () -> oneOf(() -> sb.append("\"function\""), () -> string(), () -> sb.append("null"))),
                () -> field("function", () -> oneOf(() -> object(List.of(
                        () -> field("name", () -> oneOf(() -> sb.append("\"get_weather\""), () -> string(), () -> sb.append("null"))),
                        () -> field("arguments", () -> oneOf(() -> string(), () -> sb.append("null"), () -> value(1))),
                        () -> field("strict", () -> value(1)))),
                    () -> sb.append("null"), () -> value(1)))));
        }

        private void usage() {
            object(List.of(
                () -> field("prompt_tokens", this::count),
                () -> field("completion_tokens", this::count),
                () -> field("total_tokens", this::count),
                () -> field("prompt_cache_hit_tokens", this::count),
                () -> field("prompt_tokens_details", () -> oneOf(() -> object(List.of(() -> field("cached_tokens", this::count))), () -> value(1))),
                () -> field("completion_tokens_details", () -> oneOf(() -> object(List.of(() -> field("reasoning_tokens", this::count))), () -> value(1)))));
        }

        private void count() {
            oneOf(() -> sb.append(r.nextInt(100_000)), () -> sb.append("null"), () -> number(), () -> value(1));
        }

        /** Writes some of the fields, in random order, sometimes one twice. */
        private void object(List<Runnable> fields) {
            List<Runnable> chosen = new ArrayList<>();
            for (Runnable f : fields) {
                if (r.nextInt(4) != 0) {
                    chosen.add(f);
                }
            }
            if (!chosen.isEmpty() && r.nextInt(10) == 0) {
                chosen.add(chosen.get(r.nextInt(chosen.size())));
            }
            java.util.Collections.shuffle(chosen, new java.util.Random(r.nextLong()));
            sb.append('{');
            space();
            for (int i = 0; i < chosen.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                    space();
                }
                chosen.get(i).run();
                space();
            }
            sb.append('}');
        }

        private void field(String name, Runnable value) {
            sb.append('"').append(name).append('"');
            space();
            sb.append(':');
            space();
            value.run();
        }

        private void array(Runnable element) {
            sb.append('[');
            space();
            int n = r.nextInt(4);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    sb.append(',');
                    space();
                }
                element.run();
                space();
            }
            sb.append(']');
        }

        /** Any JSON value, nested up to depth. */
        private void value(int depth) {
            switch (r.nextInt(depth > 0 ? 8 : 6)) {
                case 0 -> string();
                case 1 -> number();
                case 2 -> sb.append("true");
                case 3 -> sb.append("false");
                case 4 -> sb.append("null");
                case 5 -> sb.append("\"\"");
                case 6 -> array(() -> value(depth - 1));
                default -> {
                    sb.append('{');
                    int n = r.nextInt(3);
                    for (int i = 0; i < n; i++) {
                        if (i > 0) {
                            sb.append(',');
                        }
                        sb.append("\"k").append(i).append("\":");
                        value(depth - 1);
                    }
                    sb.append('}');
                }
            }
        }

        private void number() {
            if (r.nextBoolean()) {
                sb.append('-');
            }
            sb.append(r.nextInt(10) == 0 ? "0" : String.valueOf(1 + r.nextInt(1_000_000)));
            if (r.nextInt(4) == 0) {
                sb.append('.').append(r.nextInt(1000));
            }
            if (r.nextInt(6) == 0) {
                sb.append(r.nextBoolean() ? 'e' : 'E').append(r.nextBoolean() ? "-" : "+").append(r.nextInt(20));
            }
            if (r.nextInt(30) == 0) {
                sb.append("12345678901234567890");
            }
        }

        /** A string of random characters: plain, escaped, non-ASCII raw or escaped, surrogate pairs. */
        private void string() {
            sb.append('"');
            int n = r.nextInt(12);
            for (int i = 0; i < n; i++) {
                switch (r.nextInt(10)) {
                    case 0 -> sb.append("\\\"");
                    case 1 -> sb.append("\\\\");
                    case 2 -> sb.append("\\n\\t\\/\\b\\f\\r");
                    case 3 -> sb.append(String.format("\\u%04x", r.nextInt(0x10000)));
                    case 4 -> sb.append((char) (0xA0 + r.nextInt(0x700)));
                    case 5 -> sb.appendCodePoint(0x1F600 + r.nextInt(80));
                    case 6 -> sb.append((char) (0x4E00 + r.nextInt(0x5000)));
                    default -> {
                        char c = (char) (0x20 + r.nextInt(0x5F));
                        sb.append(c == '"' || c == '\\' ? 'q' : c);
                    }
                }
            }
            sb.append('"');
        }

        private void space() {
            if (r.nextInt(5) == 0) {
                sb.append(" \n\t\r".charAt(r.nextInt(4)));
            }
        }

        private void oneOf(Runnable... options) {
            options[r.nextInt(options.length)].run();
        }
    }

    @Test
    void valueTypesMatchTheJacksonPathForToolCallsAndUsage() {
        byte[] bytes = ("{\"id\":\"c\",\"choices\":[{\"index\":1,\"delta\":{\"tool_calls\":[{\"index\":2,\"id\":null,\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}},{\"index\":null,\"function\":null}]}}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":null}}").getBytes(StandardCharsets.UTF_8);
        ChatChunk chunk = new ChunkScanner().scan(bytes, 0, bytes.length);
        assertThat(chunk).isNotNull();
        ChunkChoice choice = chunk.choices().get(0);
        assertThat(choice.index()).isEqualTo(1);
        assertThat(choice.toolCalls()).containsExactly(
                new ToolCallDelta(2, null, "function", "f", "{}"), new ToolCallDelta(null, null, null, null, null));
        // total_tokens null reads as 0, as on the Jackson path.
        assertThat(chunk.usage()).isEqualTo(new Usage(3, 4, 0, 0, 0));
        assertThat(Objects.equals(chunk, ChunkReader.jacksonOnly().read(bytes, 0, bytes.length))).isTrue();
    }
}
