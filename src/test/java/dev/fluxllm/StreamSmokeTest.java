package dev.fluxllm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.support.WireMockServerSupport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Streams OpenAI-shaped event streams from WireMock end to end. */
class StreamSmokeTest extends WireMockServerSupport {

    OpenAiCompatClient client;


    @AfterEach
    void reset() {
        dev.fluxllm.support.Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(2), "connections released");
        client.close();
        wm.resetAll();
    }

    void serve(String body) {
        wm.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream; charset=utf-8").withBody(body)));
        client = OpenAiCompatClient.builder().baseUrl(wm.baseUrl() + "/v1").defaultModel("m")
                .retryPolicy(RetryPolicy.none()).build();
    }

    static String event(String json) {
        return "data: " + json + "\n\n";
    }

    @Test
    void streamTextAssemblesAndCompletesOnDone() {
        serve(event("{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}")
                + ": keep-alive\n\n"
                + event("{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}")
                + event("{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}]}")
                + event("{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}")
                + event("{\"id\":\"c1\",\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}")
                + "data: [DONE]\n\n");
        List<ChatChunk> chunks = client.stream(ChatRequest.builder().user("hi").build()).collectList()
                .block(Duration.ofSeconds(5));
        assertThat(chunks).hasSize(5);
        assertThat(chunks).extracting(ChatChunk::text).containsExactly("", "Hel", "lo", "", "");
        ChatResponse response = client.stream(ChatRequest.builder().user("hi").build())
                .as(ChatStreams::assemble).block(Duration.ofSeconds(5));
        assertThat(response.text()).isEqualTo("Hello");
        assertThat(response.finishReason()).isEqualTo("stop");
        assertThat(response.usage().totalTokens()).isEqualTo(5);
        assertThat(client.stream(ChatRequest.builder().user("hi").build()).as(ChatStreams::text)
                .collectList().block(Duration.ofSeconds(5))).containsExactly("Hel", "lo");
    }

    @Test
    void streamWithoutDoneAfterFinishCompletes() {
        serve(event("{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}")
                + event("{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}"));
        StepVerifier.create(client.stream(ChatRequest.builder().user("hi").build()).as(ChatStreams::text))
                .expectNext("Hi").verifyComplete();
    }

    @Test
    void streamCutOffBeforeFinishFailsWithPartialResponse() {
        serve(event("{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}"));
        StepVerifier.create(client.stream(ChatRequest.builder().user("hi").build()).as(ChatStreams::assemble))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(MalformedResponseException.class).hasMessageContaining("cut off");
                    assertThat(((MalformedResponseException) e).partialResponse().text()).isEqualTo("Hi");
                })
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void streamErrorEventEndsWithStreamErrorException() {
        serve(event("{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}")
                + event("{\"error\":{\"message\":\"model crashed\",\"type\":\"server_error\"}}")
                + "data: [DONE]\n\n");
        StepVerifier.create(client.stream(ChatRequest.builder().user("hi").build()).as(ChatStreams::text))
                .expectNext("Hi")
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(StreamErrorException.class)
                        .hasMessageContaining("model crashed"))
                .verify(Duration.ofSeconds(5));
    }
}
