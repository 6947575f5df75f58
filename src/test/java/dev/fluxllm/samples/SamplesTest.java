package dev.fluxllm.samples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.support.Eventually;
import dev.fluxllm.testkit.RecordedRequest;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs every sample in-process against its scripted embedded server and checks what it prints:
 * the samples are documentation, and these tests keep them true.
 */
class SamplesTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    // ---- QuickStart --------------------------------------------------------------------------

    @Test
    void quickStartPrintsDescriptionPromptAndAnswerAsJson() {
        try (SampleEnvironment env = SampleEnvironment.embedded(QuickStart::script)) {
            Output out = new Output();
            QuickStart.run(env, out.stream);

            JsonNode json = JsonMapper.builder().build().readTree(out.text());
            JsonNode client = json.path("client");
            assertThat(client.path("client_class").asString()).isEqualTo("dev.fluxllm.OpenAiCompatClient");
            assertThat(client.path("default_model").asString()).isEqualTo(ScriptedLlmServer.DEFAULT_MODEL);
            assertThat(client.path("backend").path("base_url").asString()).isEqualTo(env.server().baseUrl());
            assertThat(client.path("backend").path("api_key_env").isNull()).isTrue();
            assertThat(client.path("capabilities").path("streaming").asBoolean()).isTrue();
            assertThat(json.path("prompt").asString()).isEqualTo(QuickStart.PROMPT);
            assertThat(json.path("response").asString()).isEqualTo(QuickStart.SCRIPTED_ANSWER);
            assertThat(json.path("model").asString()).isEqualTo(ScriptedLlmServer.DEFAULT_MODEL);
            assertThat(json.path("has_text").asBoolean()).isTrue();
            assertThat(json.path("finish_reason").asString()).isEqualTo("stop");
            assertThat(json.path("usage").path("total_tokens").asLong()).isPositive();
            assertThat(out.text()).as("pretty-printed").contains("\n  \"client\" : {");

            assertThat(chatRequests(env.server())).singleElement()
                    .satisfies(r -> assertThat(r.lastUserMessage()).isEqualTo(QuickStart.PROMPT));
            assertNothingLeftOpen(env);
        }
    }

    // ---- StreamingTokens ---------------------------------------------------------------------

    @Test
    void streamingTokensPrintsEachTokenInOrderThenTimings() {
        try (SampleEnvironment env = SampleEnvironment.embedded(StreamingTokens::script)) {
            Output out = new Output();
            StreamingTokens.run(env, out.stream);

            String[] lines = out.text().split("\n");
            assertThat(lines).hasSize(3);
            assertThat(lines[0]).isEqualTo("> " + StreamingTokens.PROMPT);
            assertThat(lines[1]).as("the tokens, in order").isEqualTo(StreamingTokens.SCRIPTED_ANSWER);
            int words = StreamingTokens.SCRIPTED_ANSWER.split(" ").length;
            assertThat(lines[2]).matches("time to first token: \\d+ ms \\| \\d+\\.\\d tokens/s \\("
                    + words + " tokens reported by the server\\) \\| finish reason: stop");
            // Printed as they came: one flush per token, each showing more of the answer.
            assertThat(out.flushedLengths).hasSizeGreaterThanOrEqualTo(words).isSorted();
            assertThat(out.flushedLengths.stream().distinct().count()).isGreaterThanOrEqualTo(words);

            assertThat(chatRequests(env.server())).singleElement()
                    .satisfies(r -> assertThat(r.isStream()).isTrue());
            assertNothingLeftOpen(env);
        }
    }

    // ---- ToolCalling -------------------------------------------------------------------------

    @Test
    void toolCallingReportsMalformedCallWithoutRunningItThenRunsTheCorrection() {
        try (SampleEnvironment env = SampleEnvironment.embedded(ToolCalling::script)) {
            Output out = new Output();
            ToolCalling.run(env, out.stream);
            String text = out.text();

            assertThat(text).containsSubsequence(
                    "user: " + ToolCalling.QUESTION,
                    "-- turn 1: the model asks for 1 tool call(s) (finish reason: tool_calls)",
                    "get_weather {\"city\": \"Paris\"\n",
                    "NOT RUN: the arguments are not valid JSON",
                    "told the model: Error: the arguments of get_weather are not a valid JSON object",
                    "-- turn 2: the model asks for 2 tool call(s)",
                    "get_weather {\"city\": \"Paris\"}",
                    "ran: {\"city\":\"Paris\",\"conditions\":\"sunny\",\"temperature_c\":21}",
                    "get_time {\"timezone\": \"Europe/Paris\"}",
                    "ran: {\"timezone\":\"Europe/Paris\",\"local_time\":\"",
                    "-- turn 3: final answer (finish reason: stop)",
                    "assistant: In Paris it is sunny and 21 °C; the local time is ");
            assertThat(count(text, "ran: ")).as("only the two corrected calls ran").isEqualTo(2);

            // The answer carries the tool's result: the time get_time returned.
            Matcher time = Pattern.compile("\"local_time\":\"(\\d\\d:\\d\\d)\"").matcher(text);
            assertThat(time.find()).isTrue();
            assertThat(text).contains("the local time is " + time.group(1) + ".");

            List<RecordedRequest> requests = chatRequests(env.server());
            assertThat(requests).hasSize(3);
            JsonNode second = requests.get(1).json().path("messages");
            assertThat(second.get(2).path("tool_calls").get(0).path("function").path("arguments").asString())
                    .as("the broken call goes back as it came").isEqualTo("{\"city\": \"Paris\"");
            assertThat(second.get(3).path("role").asString()).isEqualTo("tool");
            assertThat(second.get(3).path("content").asString()).contains("not a valid JSON object");
            JsonNode third = requests.get(2).json().path("messages");
            assertThat(third.get(5).path("content").asString()).contains("\"conditions\":\"sunny\"");
            assertThat(third.get(6).path("content").asString()).contains("\"timezone\":\"Europe/Paris\"");
            assertThat(requests).allSatisfy(r -> assertThat(r.json().path("tools").size()).isEqualTo(2));
            assertNothingLeftOpen(env);
        }
    }

    // ---- ComposeCalls ------------------------------------------------------------------------

    @Test
    void composeCallsTakesTheModelPathThenTheFallbackPath() {
        try (SampleEnvironment env = SampleEnvironment.embedded(ComposeCalls::script)) {
            Output out = new Output();
            ComposeCalls.run(env, out.stream);
            String text = out.text();

            String round2 = text.substring(text.indexOf("== Round 2"));
            String round1 = text.substring(0, text.indexOf("== Round 2"));
            assertThat(round1).contains("highlights [model] The Belém Tower",
                    "packing    [model] Sneakers for the hills",
                    "plan       [model] Start at the Belém Tower", "Bring: Sneakers for the hills");
            assertThat(round1).doesNotContain("fallback");
            assertThat(round2).contains("highlights [model] The Belém Tower",
                    "packing    [fallback: no answer within 100 ms] " + ComposeCalls.PACKING_FALLBACK,
                    "plan       [model] Start at the Belém Tower");
            assertThat(round2).as("the fallback feeds the third call")
                    .contains("Bring: " + ComposeCalls.PACKING_FALLBACK);

            // The timed-out call was cancelled, which closed its connection: the server saw it go.
            env.server().awaitCancelledStreams(1, WAIT);
            assertThat(chatRequests(env.server())).hasSize(6);
            assertNothingLeftOpen(env);
        }
    }

    @Test
    void composeCallsFallsBackOnServerError() {
        try (SampleEnvironment env = SampleEnvironment.embedded(server ->
                server.setDefault(Reply.error(400, "This model does not exist")))) {
            ComposeCalls.DayPlan day = ComposeCalls.planDay(env.client(), "Porto", Duration.ofSeconds(5)).block(WAIT);

            assertThat(day.highlights().source()).startsWith("fallback: BadRequestException");
            assertThat(day.packing().text()).isEqualTo(ComposeCalls.PACKING_FALLBACK);
            assertThat(day.plan().source()).startsWith("fallback: ");
            assertThat(day.plan().text()).contains(ComposeCalls.PACKING_FALLBACK);
            assertNothingLeftOpen(env);
        }
    }

    // ---- SseRelay ----------------------------------------------------------------------------

    @Test
    void sseRelayRelaysEveryTokenInOrderThenDone() {
        try (SampleEnvironment env = SampleEnvironment.embedded(SseRelay::script)) {
            Output out = new Output();
            SseRelay.run(env, out.stream);
            String text = out.text();

            String[] words = SseRelay.SCRIPTED_ANSWER.split(" ");
            StringBuilder stream = new StringBuilder();
            for (int i = 0; i < words.length; i++) {
                stream.append("data: ").append(i == 0 ? "" : " ").append(words[i]).append("\n\n");
            }
            stream.append("data: [DONE]\n\n");
            assertThat(text).as("every token, in order, one event each").contains("\n\n" + stream);
            assertThat(count(text, "data: ")).isEqualTo(words.length + 1);
            assertThat(text).endsWith("relayed " + words.length + " tokens, then [DONE]; together: "
                    + SseRelay.SCRIPTED_ANSWER + "\n");
            assertNothingLeftOpen(env);
        }
    }

    @Test
    void sseRelayClientDisconnectCancelsTheModelStream() {
        String longAnswer = String.join(" ", Collections.nCopies(200, "token"));
        try (SampleEnvironment env = SampleEnvironment.embedded(server ->
                server.setDefault(Reply.text(longAnswer).delay(Duration.ofMillis(20))))) {
            DisposableServer relay = SseRelay.start(env.client(), 0);
            try {
                // Read two events (four lines), then leave, as a browser tab that is closed.
                List<String> firstLines = SseRelay.sseLines(HttpClient.newConnection(),
                        "http://127.0.0.1:" + relay.port() + "/chat?q=hi").take(4).collectList().block(WAIT);
                assertThat(firstLines).containsExactly("data: token", "", "data:  token", "");

                env.server().awaitCancelledStreams(1, WAIT);
                assertThat(env.server().completedStreams()).as("the model stopped early").isZero();
                assertNothingLeftOpen(env);
            } finally {
                relay.disposeNow(WAIT);
            }
        }
    }

    @Test
    void sseRelayWithoutQuestionAnswers400() {
        try (SampleEnvironment env = SampleEnvironment.embedded(SseRelay::script)) {
            DisposableServer relay = SseRelay.start(env.client(), 0);
            try {
                Integer status = HttpClient.newConnection().get()
                        .uri("http://127.0.0.1:" + relay.port() + "/chat")
                        .responseSingle((response, body) -> body.then(Mono.just(response.status().code())))
                        .block(WAIT);
                assertThat(status).isEqualTo(400);
                assertThat(env.server().requestCount()).isZero();
            } finally {
                relay.disposeNow(WAIT);
            }
        }
    }

    @Test
    void sseEventsSplitMultiLineTokens() {
        assertThat(SseRelay.dataEvent(" hello")).isEqualTo("data:  hello\n\n");
        assertThat(SseRelay.dataEvent("a\nb\r\nc")).isEqualTo("data: a\ndata: b\ndata: c\n\n");
        assertThat(SseRelay.dataEvent("\n")).isEqualTo("data: \ndata: \n\n");
    }

    // ---- SampleEnvironment -------------------------------------------------------------------

    @Test
    void environmentWithoutBaseUrlStartsTheEmbeddedServerAndSaysSo() {
        Output err = new Output();
        try (SampleEnvironment env = SampleEnvironment.from(Map.of(), StreamingTokens::script, err.stream)) {
            assertThat(env.isEmbedded()).isTrue();
            assertThat(env.model()).isEqualTo(ScriptedLlmServer.DEFAULT_MODEL);
            assertThat(env.client().baseUrl()).isEqualTo(env.server().baseUrl());
            assertThat(err.text()).contains("OPENAI_BASE_URL is not set: using an embedded ScriptedLlmServer");
        }
    }

    @Test
    void environmentWithBaseUrlAndNoModelTakesTheFirstListedModel() {
        try (ScriptedLlmServer server = ScriptedLlmServer.builder().models("qwen2.5-1.5b", "other").start()) {
            Output err = new Output();
            try (SampleEnvironment env = SampleEnvironment.from(
                    Map.of(SampleEnvironment.BASE_URL_VARIABLE, server.baseUrl()), s -> { }, err.stream)) {
                assertThat(env.isEmbedded()).isFalse();
                assertThat(env.model()).isEqualTo("qwen2.5-1.5b");
                assertThat(env.client().defaultModel()).isEqualTo("qwen2.5-1.5b");
                assertThat(env.client().apiKeyEnv()).isEqualTo(SampleEnvironment.API_KEY_VARIABLE);
                assertThat(err.text()).contains("OPENAI_MODEL is not set: using qwen2.5-1.5b");
            }
        }
    }

    @Test
    void environmentWithBaseUrlAndModelUsesThem() {
        try (ScriptedLlmServer server = ScriptedLlmServer.start()) {
            Output err = new Output();
            try (SampleEnvironment env = SampleEnvironment.from(Map.of(SampleEnvironment.BASE_URL_VARIABLE,
                    server.baseUrl() + "/", SampleEnvironment.MODEL_VARIABLE, "my-model"), s -> { }, err.stream)) {
                Output out = new Output();
                QuickStart.run(env, out.stream);
                assertThat(server.lastRequest().model()).isEqualTo("my-model");
                assertThat(out.text()).contains("\"default_model\" : \"my-model\"");
                assertThat(server.requests()).noneMatch(r -> r.path().endsWith("/models"));
            }
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static List<RecordedRequest> chatRequests(ScriptedLlmServer server) {
        return server.requests().stream().filter(r -> r.path().endsWith("/chat/completions")).toList();
    }

    /** After a sample: no response still being written, no connection still borrowed. */
    private static void assertNothingLeftOpen(SampleEnvironment env) {
        Eventually.await(() -> env.server().activeStreams() == 0, WAIT, "server streams still open: " + env.server());
        Eventually.await(() -> env.client().activeConnections() == 0, WAIT, "client connections still in use");
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    /** What a sample printed, and how long it was at each flush. */
    private static final class Output {
        final List<Integer> flushedLengths = new CopyOnWriteArrayList<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream() {
            @Override
            public void flush() {
                flushedLengths.add(size());
            }
        };
        final PrintStream stream = new PrintStream(bytes, false, UTF_8);

        /** Returns the text; PrintStream hands every write straight to the bytes, no flush needed. */
        String text() {
            return bytes.toString(UTF_8);
        }
    }
}
