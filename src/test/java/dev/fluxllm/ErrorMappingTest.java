package dev.fluxllm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.fluxllm.support.Eventually;
import dev.fluxllm.support.WireMockServerSupport;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Maps each error status and each real server's error body shape to its typed exception and fields. */
class ErrorMappingTest extends WireMockServerSupport {

    static final String KEY = "sk-live-SECRET-abcdef0123456789";
    static final String OPENAI_BODY = """
            {"error":{"message":"Something went wrong","type":"some_error","param":"messages","code":"some_code"}}""";

    OpenAiCompatClient client;


    @BeforeEach
    void newClient() {
        client = OpenAiCompatClient.builder()
                .baseUrl(wm.baseUrl() + "/v1")
                .apiKey(KEY)
                .defaultModel("m")
                .retryPolicy(RetryPolicy.none())
                .build();
    }

    @AfterEach
    void reset() {
        Eventually.await(() -> client.activeConnections() == 0, Duration.ofSeconds(2), "connections released");
        client.close();
        wm.resetAll();
    }

    /** Serves the response to {@code POST /v1/chat/completions} and returns what {@code generate} failed with. */
    OpenAiCompatException generateFails(ResponseDefinitionBuilder response) {
        wm.stubFor(post("/v1/chat/completions").willReturn(response));
        return failure(client.generate(ChatRequest.builder().user("hi").build()));
    }

    static OpenAiCompatException failure(Mono<?> call) {
        AtomicReference<Throwable> error = new AtomicReference<>();
        StepVerifier.create(call).expectErrorSatisfies(error::set).verify(Duration.ofSeconds(5));
        assertThat(error.get()).isInstanceOf(OpenAiCompatException.class);
        OpenAiCompatException e = (OpenAiCompatException) error.get();
        assertReadable(e);
        return e;
    }

    /** A message a person can read: one reasonable line, no key, no exception class dump. */
    static void assertReadable(OpenAiCompatException e) {
        assertThat(e.getMessage()).isNotBlank().doesNotContain(KEY).doesNotContain("SECRET");
        assertThat(e.getMessage().length()).isLessThan(1200);
        assertThat(e.toString()).doesNotContain(KEY);
        if (e.details().body() != null) {
            assertThat(e.details().body()).doesNotContain(KEY);
        }
    }

    static Stream<Arguments> statuses() {
        return Stream.of(
                Arguments.of(400, BadRequestException.class, false),
                Arguments.of(401, AuthenticationException.class, false),
                Arguments.of(403, PermissionDeniedException.class, false),
                Arguments.of(404, NotFoundException.class, false),
                Arguments.of(408, ApiTimeoutException.class, true),
                Arguments.of(409, OpenAiCompatException.class, true),
                Arguments.of(422, BadRequestException.class, false),
                Arguments.of(429, RateLimitException.class, true),
                Arguments.of(500, ServerException.class, true),
                Arguments.of(502, ServerException.class, true),
                Arguments.of(503, ServerException.class, true),
                Arguments.of(504, ServerException.class, true),
                Arguments.of(418, OpenAiCompatException.class, false));
    }

    @ParameterizedTest(name = "status {0} -> {1}")
    @MethodSource("statuses")
    void statusMapsToTypeAndFields(int status, Class<? extends OpenAiCompatException> type, boolean retryable) {
        OpenAiCompatException e = generateFails(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withHeader("x-request-id", "req_" + status)
                .withBody(OPENAI_BODY));

        assertThat(e).isExactlyInstanceOf(type);
        assertThat(e.statusCode()).isEqualTo(status);
        assertThat(e.errorType()).isEqualTo("some_error");
        assertThat(e.errorCode()).isEqualTo("some_code");
        assertThat(e.details().param()).isEqualTo("messages");
        assertThat(e.requestId()).isEqualTo("req_" + status);
        assertThat(e.isRetryable()).isEqualTo(retryable);
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(e.getMessage()).contains("HTTP " + status).contains("Something went wrong")
                .contains("req_" + status).doesNotContain("after");
        assertThat(wm.getAllServeEvents()).hasSize(1);
    }

    @Test
    void rateLimit429CarriesRetryAfter() {
        OpenAiCompatException e = generateFails(aResponse().withStatus(429)
                .withHeader("Retry-After", "7")
                .withBody("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}"));

        assertThat(e).isExactlyInstanceOf(RateLimitException.class);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(e.errorCode()).isEqualTo("rate_limit_exceeded");
        assertThat(e.isRetryable()).isTrue();
    }

    @Test
    void rateLimit429WithoutHintHasNullRetryAfter() {
        OpenAiCompatException e = generateFails(aResponse().withStatus(429).withBody("slow down"));
        assertThat(e).isExactlyInstanceOf(RateLimitException.class);
        assertThat(e.retryAfter()).isNull();
        assertThat(e.getMessage()).contains("slow down");
    }

    @Test
    void vllmFlatBodyWithIntegerCode() {
        OpenAiCompatException e = generateFails(aResponse().withStatus(400).withBody("""
                {"object":"error","message":"max_tokens is too large","type":"BadRequestError","param":null,"code":400}"""));
        assertThat(e).isExactlyInstanceOf(BadRequestException.class);
        assertThat(e.getMessage()).contains("max_tokens is too large");
        assertThat(e.errorType()).isEqualTo("BadRequestError");
        assertThat(e.errorCode()).isEqualTo("400");
        assertThat(e.details().param()).isNull();
    }

    @Test
    void vllmNestedBodyWithIntegerCode() {
        OpenAiCompatException e = generateFails(aResponse().withStatus(404).withBody("""
                {"error":{"message":"The model `x` does not exist.","type":"NotFoundError","param":null,"code":404}}"""));
        assertThat(e).isExactlyInstanceOf(NotFoundException.class);
        assertThat(e.getMessage()).contains("The model `x` does not exist.");
        assertThat(e.errorCode()).isEqualTo("404");
    }

    @Test
    void ollamaStringErrorBody() {
        OpenAiCompatException e = generateFails(aResponse().withStatus(404)
                .withBody("{\"error\":\"model \\\"llama9\\\" not found, try pulling it first\"}"));
        assertThat(e).isExactlyInstanceOf(NotFoundException.class);
        assertThat(e.getMessage()).contains("model \"llama9\" not found, try pulling it first");
        assertThat(e.errorType()).isNull();
    }

    @Test
    void tgiStringErrorWithErrorType() {
        OpenAiCompatException e = generateFails(aResponse().withStatus(422)
                .withBody("{\"error\":\"Input validation error: `inputs` must have less than 4096 tokens\",\"error_type\":\"validation\"}"));
        assertThat(e).isExactlyInstanceOf(BadRequestException.class);
        assertThat(e.getMessage()).contains("Input validation error");
        assertThat(e.errorType()).isEqualTo("validation");
        assertThat(e.isRetryable()).isFalse();
    }

    @Test
    void tgiOverloaded429() {
        OpenAiCompatException e = generateFails(aResponse().withStatus(429)
                .withBody("{\"error\":\"Model is overloaded\",\"error_type\":\"overloaded\"}"));
        assertThat(e).isExactlyInstanceOf(RateLimitException.class);
        assertThat(e.errorType()).isEqualTo("overloaded");
    }

    @Test
    void fastApiStringDetail() {
        OpenAiCompatException e = generateFails(aResponse().withStatus(401).withBody("{\"detail\":\"Not authenticated\"}"));
        assertThat(e).isExactlyInstanceOf(AuthenticationException.class);
        assertThat(e.getMessage()).contains("Not authenticated");
    }

    @Test
    void fastApiValidationDetailList() {
        OpenAiCompatException e = generateFails(aResponse().withStatus(422).withBody("""
                {"detail":[{"type":"missing","loc":["body","messages"],"msg":"Field required","input":{}},
                           {"type":"float_parsing","loc":["body","temperature"],"msg":"Input should be a valid number","input":"hot"}]}"""));
        assertThat(e).isExactlyInstanceOf(BadRequestException.class);
        assertThat(e.getMessage()).contains("Field required").contains("messages")
                .contains("Input should be a valid number").contains("temperature");
    }

    @Test
    void cloudflareErrorsArray() {
        OpenAiCompatException e = generateFails(aResponse().withStatus(400).withBody("""
                {"result":null,"success":false,"errors":[{"code":7009,"message":"Upstream service unavailable"}],"messages":[]}"""));
        assertThat(e).isExactlyInstanceOf(BadRequestException.class);
        assertThat(e.getMessage()).contains("Upstream service unavailable");
        assertThat(e.errorCode()).isEqualTo("7009");
    }

    @Test
    void llamaCppContextExceeded() {
        OpenAiCompatException e = generateFails(aResponse().withStatus(400).withBody("""
                {"error":{"code":400,"message":"the request exceeds the available context size, try increasing it",
                  "type":"exceed_context_size_error","n_prompt_tokens":5000,"n_ctx":4096}}"""));
        assertThat(e).isExactlyInstanceOf(BadRequestException.class);
        assertThat(e.errorType()).isEqualTo("exceed_context_size_error");
        assertThat(e.errorCode()).isEqualTo("400");
        assertThat(e.getMessage()).contains("exceeds the available context size");
        assertThat(e.details().body()).contains("n_ctx");
    }

    @Test
    void llamaCppLoadingModel503() {
        OpenAiCompatException e = generateFails(aResponse().withStatus(503).withBody("""
                {"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}"""));
        assertThat(e).isExactlyInstanceOf(ServerException.class);
        assertThat(e.errorType()).isEqualTo("unavailable_error");
        assertThat(e.isRetryable()).isTrue();
    }

    @Test
    void proxyHtml502ShowsTitleAndCapsSnippet() {
        String page = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title>\n<style>"
                + "body{font-family:sans-serif}".repeat(100) + "</style></head>\n<body><center><h1>502 Bad Gateway</h1>"
                + "</center><hr><center>nginx</center></body></html>";
        OpenAiCompatException e = generateFails(aResponse().withStatus(502)
                .withHeader("Content-Type", "text/html").withBody(page));

        assertThat(e).isExactlyInstanceOf(ServerException.class);
        assertThat(e.getMessage()).contains("HTTP 502").contains("502 Bad Gateway").doesNotContain("<html")
                .doesNotContain("font-family");
        assertThat(e.details().body()).startsWith("<!DOCTYPE html>");
        assertThat(e.details().body().length()).isLessThanOrEqualTo(510);
        assertThat(e.isRetryable()).isTrue();
    }

    @Test
    void proxyHtmlWithTitleAfterLongHeadStillShowsTitle() {
        String page = "<!DOCTYPE html>\n<!--[if lt IE 7]> <html class=\"no-js ie6 oldie\" lang=\"en-US\"> <![endif]-->\n"
                + "<html><head><meta charset=\"UTF-8\" />" + "<meta name=\"robots\" content=\"noindex\" />\n".repeat(40)
                + "<script>window.cf = {" + "a:1,".repeat(500) + "};</script>"
                + "<title>example.com | 502: Bad gateway</title></head><body>...</body></html>";
        OpenAiCompatException e = generateFails(aResponse().withStatus(502).withBody(page));
        assertThat(e.getMessage()).contains("example.com | 502: Bad gateway").doesNotContain("<meta")
                .doesNotContain("window.cf");
        assertThat(e.details().body().length()).isLessThanOrEqualTo(510);
    }

    @Test
    void htmlPageWithoutTitleDropsScriptsAndStyles() {
        OpenAiCompatException e = generateFails(aResponse().withStatus(503).withBody(
                "<html><head><style>h1 { color: red; }</style><script>var x = 1;</script></head>"
                        + "<body><!-- comment --><h1>Maintenance</h1><p>Back soon</p></body></html>"));
        assertThat(e.getMessage()).contains("Maintenance Back soon").doesNotContain("color").doesNotContain("var x")
                .doesNotContain("comment");
    }

    @Test
    void htmlPageWithoutTitleIsSqueezedToText() {
        OpenAiCompatException e = generateFails(aResponse().withStatus(503)
                .withBody("<html><body>\n\n<h1>Service   Unavailable</h1>\n</body></html>"));
        assertThat(e.getMessage()).contains("Service Unavailable").doesNotContain("<h1>");
    }

    @Test
    void emptyBodyGivesStatusOnly() {
        OpenAiCompatException e = generateFails(aResponse().withStatus(500));
        assertThat(e).isExactlyInstanceOf(ServerException.class);
        assertThat(e.getMessage()).startsWith("HTTP 500");
        assertThat(e.details().body()).isNull();
        assertThat(e.errorType()).isNull();
        assertThat(e.errorCode()).isNull();
        assertThat(e.requestId()).isNull();
    }

    @Test
    void hugeTextBodyIsCapped() {
        OpenAiCompatException e = generateFails(aResponse().withStatus(500).withBody("x".repeat(200_000)));
        assertThat(e).isExactlyInstanceOf(ServerException.class);
        assertThat(e.getMessage().length()).isLessThan(700);
        assertThat(e.details().body().length()).isBetween(400, 510);
    }

    @Test
    void hugeJsonMessageIsCapped() {
        OpenAiCompatException e = generateFails(aResponse().withStatus(400)
                .withBody("{\"error\":{\"message\":\"" + "too long ".repeat(5_000) + "\",\"type\":\"invalid_request_error\"}}"));
        assertThat(e).isExactlyInstanceOf(BadRequestException.class);
        assertThat(e.errorType()).isEqualTo("invalid_request_error");
        assertThat(e.getMessage()).contains("too long");
        assertThat(e.getMessage().length()).isLessThan(700);
    }

    @Test
    void bodyEchoingTheKeyIsRedacted() {
        OpenAiCompatException e = generateFails(aResponse().withStatus(401).withBody(
                "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + ". Find your key at ...\","
                        + "\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"));
        assertThat(e).isExactlyInstanceOf(AuthenticationException.class);
        assertThat(e.getMessage()).contains("Incorrect API key provided");
        assertThat(e.errorCode()).isEqualTo("invalid_api_key");
    }

    @Test
    void shouldRetryHeaderOverridesStatus() {
        OpenAiCompatException no = generateFails(aResponse().withStatus(500).withHeader("x-should-retry", "false"));
        assertThat(no.isRetryable()).isFalse();
        wm.resetAll();
        OpenAiCompatException yes = generateFails(aResponse().withStatus(400).withHeader("x-should-retry", "true"));
        assertThat(yes.isRetryable()).isTrue();
    }

    @Test
    void modelsErrorsAreTypedToo() {
        wm.stubFor(get("/v1/models").willReturn(aResponse().withStatus(401)
                .withHeader("x-request-id", "req_models").withBody("{\"error\":{\"message\":\"bad key\",\"type\":\"auth\"}}")));
        OpenAiCompatException e = failure(client.models());
        assertThat(e).isExactlyInstanceOf(AuthenticationException.class);
        assertThat(e.requestId()).isEqualTo("req_models");
        assertThat(e.getMessage()).contains("bad key");
    }

    @Test
    void redirectIsNotFollowed() {
        OpenAiCompatException e = generateFails(aResponse().withStatus(307)
                .withHeader("Location", wm.baseUrl() + "/elsewhere"));
        assertThat(e.statusCode()).isEqualTo(307);
        assertThat(e.getMessage()).contains("not followed");
        assertThat(wm.getAllServeEvents()).hasSize(1);
    }
}
