package dev.fluxllm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.support.Eventually;
import dev.fluxllm.support.WireMockServerSupport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Answers {@code generate} and {@code models} with HTTP 200 and a body that is not a usable envelope. */
class BrokenEnvelopeTest extends WireMockServerSupport {

    OpenAiCompatClient client;


    @BeforeEach
    void newClient() {
        client = OpenAiCompatClient.builder().baseUrl(wm.baseUrl() + "/v1").defaultModel("m")
                .retryPolicy(RetryPolicy.builder().maxRetries(2).initialBackoff(Duration.ofMillis(1))
                        .maxBackoff(Duration.ofMillis(2)).build())
                .build();
    }

    @AfterEach
    void reset() {
        Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(2), "connections released");
        client.close();
        wm.resetAll();
    }

    Mono<ChatResponse> generate(String body) {
        wm.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withHeader("x-request-id", "req_broken")
                .withBody(body)));
        return client.generate(ChatRequest.builder().user("hi").build());
    }

    static OpenAiCompatException failure(Mono<?> call) {
        AtomicReference<Throwable> error = new AtomicReference<>();
        StepVerifier.create(call).expectErrorSatisfies(error::set).verify(Duration.ofSeconds(5));
        assertThat(error.get()).isInstanceOf(OpenAiCompatException.class);
        assertThat(error.get().getMessage()).isNotBlank();
        return (OpenAiCompatException) error.get();
    }

    MalformedResponseException malformed(String body) {
        OpenAiCompatException e = failure(generate(body));
        assertThat(e).isExactlyInstanceOf(MalformedResponseException.class);
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(e.requestId()).isEqualTo("req_broken");
        assertThat(e.getMessage().length()).isLessThan(1500);
        // Not retried: the same server would send the same body again.
        assertThat(wm.getAllServeEvents()).hasSize(1);
        return (MalformedResponseException) e;
    }

    @Test
    void nonJsonBody() {
        assertThat(malformed("Hello, I am not JSON").getMessage()).contains("not a JSON object")
                .contains("Hello, I am not JSON");
    }

    @Test
    void jsonArrayBody() {
        assertThat(malformed("[{\"choices\":[]}]").getMessage()).contains("not a JSON object");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"text\"", "42", "null", "true"})
    void jsonScalarBody(String body) {
        malformed(body);
    }

    @Test
    void emptyObjectHasNoChoices() {
        assertThat(malformed("{}").getMessage()).contains("choices");
    }

    @Test
    void choicesNull() {
        assertThat(malformed("{\"id\":\"x\",\"choices\":null}").getMessage()).contains("choices");
    }

    @Test
    void choicesNotAnArray() {
        assertThat(malformed("{\"id\":\"x\",\"choices\":{\"index\":0}}").getMessage()).contains("choices");
    }

    @Test
    void choiceWithoutMessage() {
        assertThat(malformed("{\"choices\":[{}]}").getMessage()).contains("message");
    }

    @Test
    void choiceWithNullMessage() {
        assertThat(malformed("{\"choices\":[{\"index\":0,\"message\":null,\"finish_reason\":\"stop\"}]}")
                .getMessage()).contains("message");
    }

    @Test
    void truncatedJson() {
        malformed("{\"id\":\"c1\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hel");
    }

    @Test
    void trailingGarbageAfterObject() {
        malformed("{\"choices\":[{\"index\":0,\"message\":{\"content\":\"ok\"}}]} trailing");
    }

    @Test
    void emptyBody() {
        assertThat(malformed("").getMessage()).contains("Empty");
    }

    @Test
    void whitespaceOnlyBody() {
        assertThat(malformed("\n\n  \r\n").getMessage()).contains("Empty");
    }

    @Test
    void leadingBlankLinesBeforeValidJsonSucceed() {
        StepVerifier.create(generate("\n\n\r\n  {\"id\":\"ds-1\",\"choices\":[{\"index\":0,\"message\":"
                        + "{\"role\":\"assistant\",\"content\":\"ok\",\"reasoning_content\":\"hm\"},\"finish_reason\":\"stop\"}]}"))
                .assertNext(r -> {
                    assertThat(r.text()).isEqualTo("ok");
                    assertThat(r.reasoning()).isEqualTo("hm");
                    assertThat(r.finishReason()).isEqualTo("stop");
                })
                .verifyComplete();
    }

    @Test
    void byteOrderMarkBeforeValidJsonSucceeds() {
        StepVerifier.create(generate("\uFEFF{\"choices\":[{\"index\":0,\"message\":{\"content\":\"ok\"}}]}"))
                .assertNext(r -> assertThat(r.text()).isEqualTo("ok"))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void emptyChoicesArrayIsNotAnAnswer() {
        MalformedResponseException e = malformed("{\"id\":\"c\",\"choices\":[],\"prompt_filter_results\":[]}");
        assertThat(e.getMessage()).contains("empty 'choices'");
        assertThat(e.details().body()).contains("prompt_filter_results");
    }

    @Test
    void deeplyNestedJsonFailsCleanly() {
        String deep = "[".repeat(5_000) + "]".repeat(5_000);
        MalformedResponseException e = malformed("{\"choices\":[{\"index\":0,\"message\":{\"content\":\"x\",\"extra\":"
                + deep + "}}]}");
        assertThat(e.getMessage().length()).isLessThan(1500);
        assertThat(e).hasRootCauseInstanceOf(tools.jackson.core.exc.StreamConstraintsException.class);
    }

    @Test
    void deeplyNestedObjectsFailCleanly() {
        String deep = "{\"a\":".repeat(1_000) + "1" + "}".repeat(1_000);
        malformed(deep);
    }

    @Test
    void deeplyNestedErrorBodyFailsCleanly() {
        String deep = "[".repeat(1_000) + "]".repeat(1_000);
        OpenAiCompatException e = failure(generate("{\"error\":{\"message\":\"x\",\"detail\":" + deep + "}}"));
        assertThat(e).isExactlyInstanceOf(MalformedResponseException.class);
    }

    @Test
    void errorBodyWithStatus200IsTheServersError() {
        OpenAiCompatException e = failure(generate("""
                {"error":{"message":"The model is overloaded","type":"invalid_request_error","code":"model_busy"}}"""));
        assertThat(e).isExactlyInstanceOf(StreamErrorException.class);
        assertThat(e.getMessage()).contains("The model is overloaded");
        assertThat(e.errorType()).isEqualTo("invalid_request_error");
        assertThat(e.errorCode()).isEqualTo("model_busy");
        assertThat(e.requestId()).isEqualTo("req_broken");
        assertThat(e.isRetryable()).isFalse();
        assertThat(wm.getAllServeEvents()).hasSize(1);
    }

    @Test
    void flatErrorBodyWithStatus200IsTheServersError() {
        OpenAiCompatException e = failure(generate("""
                {"object":"error","message":"bad things","type":"BadRequestError","code":400}"""));
        assertThat(e).isExactlyInstanceOf(StreamErrorException.class);
        assertThat(e.getMessage()).contains("bad things");
        assertThat(e.statusCode()).isEqualTo(400);
    }

    @Test
    void stringErrorBodyWithStatus200IsTheServersError() {
        OpenAiCompatException e = failure(generate("{\"error\":\"model not loaded\"}"));
        assertThat(e).isExactlyInstanceOf(StreamErrorException.class);
        assertThat(e.getMessage()).contains("model not loaded");
    }

    @Test
    void nullErrorWithChoicesSucceeds() {
        StepVerifier.create(generate("{\"error\":null,\"choices\":[{\"index\":0,\"message\":{\"content\":\"fine\"}}]}"))
                .assertNext(r -> assertThat(r.text()).isEqualTo("fine"))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void wrongFieldTypesAreIgnoredNotFatal() {
        StepVerifier.create(generate("""
                {"id":123,"model":["m"],"created":"yesterday","usage":"lots",
                 "choices":[{"index":"zero","message":{"role":7,"content":{"odd":true},"tool_calls":"none"},
                   "finish_reason":["stop"]}]}"""))
                .assertNext(r -> {
                    assertThat(r.text()).isEmpty();
                    assertThat(r.toolCalls()).isEmpty();
                    assertThat(r.usage()).isNull();
                })
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void modelsNonJson() {
        wm.stubFor(get("/v1/models").willReturn(aResponse().withStatus(200).withBody("<html>nope</html>")));
        assertThat(failure(client.models())).isExactlyInstanceOf(MalformedResponseException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"data\":null}", "{\"data\":{}}", "null", "42", ""})
    void modelsWithoutDataArray(String body) {
        wm.stubFor(get("/v1/models").willReturn(aResponse().withStatus(200).withBody(body)));
        assertThat(failure(client.models())).isExactlyInstanceOf(MalformedResponseException.class);
        assertThat(wm.getAllServeEvents()).hasSize(1);
    }

    @Test
    void modelsDeeplyNested() {
        wm.stubFor(get("/v1/models").willReturn(aResponse().withStatus(200)
                .withBody("{\"data\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}")));
        assertThat(failure(client.models())).isExactlyInstanceOf(MalformedResponseException.class);
    }

    @Test
    void modelsSkipsEntriesWithoutId() {
        wm.stubFor(get("/v1/models").willReturn(aResponse().withStatus(200)
                .withBody("{\"data\":[1,null,{\"id\":5},{\"object\":\"model\"},{\"id\":\"ok\",\"owned_by\":null,\"created\":\"x\"}]}")));
        StepVerifier.create(client.models())
                .expectNext(List.of(new ModelInfo("ok", "", 0)))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }
}
