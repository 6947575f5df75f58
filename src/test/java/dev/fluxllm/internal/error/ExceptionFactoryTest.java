package dev.fluxllm.internal.error;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.ApiTimeoutException;
import dev.fluxllm.BadRequestException;
import dev.fluxllm.ConnectionException;
import dev.fluxllm.MalformedResponseException;
import dev.fluxllm.OpenAiCompatException;
import dev.fluxllm.RateLimitException;
import dev.fluxllm.ServerException;
import dev.fluxllm.StreamErrorException;
import dev.fluxllm.internal.json.WireError;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Builds exceptions from statuses, bodies and headers without any network. */
class ExceptionFactoryTest {

    static OpenAiCompatException status(int status, String body, ExceptionFactory.Meta meta) {
        return ExceptionFactory.fromStatus(status, "Reason", body == null ? null : body.getBytes(StandardCharsets.UTF_8), meta);
    }

    @Test
    void messageCarriesStatusReasonTextAndFields() {
        OpenAiCompatException e = status(400, "{\"error\":{\"message\":\"bad\",\"type\":\"t\",\"code\":\"c\",\"param\":\"p\"}}",
                new ExceptionFactory.Meta("req_1", null, null, null));
        assertThat(e).isExactlyInstanceOf(BadRequestException.class);
        assertThat(e.getMessage()).isEqualTo("HTTP 400 Reason: bad [type=t, code=c, param=p, request id=req_1]");
    }

    @Test
    void retryAfterHeadersReachDetails() {
        OpenAiCompatException e = status(429, null, new ExceptionFactory.Meta(null, "1500", "9", null));
        assertThat(e).isExactlyInstanceOf(RateLimitException.class);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(1500));
        assertThat(e.getMessage()).isEqualTo("HTTP 429 Reason");
    }

    @Test
    void shouldRetryHeaderIsCaseInsensitiveAndOtherValuesIgnored() {
        assertThat(status(503, null, new ExceptionFactory.Meta(null, null, null, "FALSE")).isRetryable()).isFalse();
        assertThat(status(503, null, new ExceptionFactory.Meta(null, null, null, "maybe")).isRetryable()).isTrue();
        assertThat(status(404, null, new ExceptionFactory.Meta(null, null, null, "True")).isRetryable()).isTrue();
    }

    @Test
    void plainTextBodyIsSqueezedOntoOneLine() {
        OpenAiCompatException e = status(500, "  upstream\n\n  connect error\r\n", ExceptionFactory.Meta.NONE);
        assertThat(e.getMessage()).isEqualTo("HTTP 500 Reason: upstream connect error");
        assertThat(e.details().body()).isEqualTo("  upstream\n\n  connect error\r\n");
    }

    @Test
    void snippetIsCappedAtFiveHundredChars() {
        String body = "é".repeat(5_000);
        assertThat(ExceptionFactory.snippet(body.getBytes(StandardCharsets.UTF_8))).hasSize(ExceptionFactory.SNIPPET_CHARS + 3)
                .endsWith("...");
        assertThat(ExceptionFactory.snippet(new byte[0])).isNull();
        assertThat(ExceptionFactory.snippet(null)).isNull();
        assertThat(ExceptionFactory.cap(null)).isEmpty();
        assertThat(ExceptionFactory.cap("short")).isEqualTo("short");
    }

    @Test
    void streamErrorIsCappedAndRetryableByEmbeddedStatus() {
        OpenAiCompatException e = ExceptionFactory.streamError(new WireError("x".repeat(10_000), "server_error", null, null, 503), "req");
        assertThat(e).isExactlyInstanceOf(StreamErrorException.class);
        assertThat(e.getMessage().length()).isLessThan(600);
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.statusCode()).isEqualTo(503);
        assertThat(ExceptionFactory.streamError(new WireError("m", null, null, null, 400), null).isRetryable()).isFalse();
    }

    @Test
    void withAttemptsKeepsTypeDetailsCauseAndStackAndAddsSuffixOnce() {
        RuntimeException cause = new RuntimeException("root");
        OpenAiCompatException first = new ServerException("HTTP 503: busy",
                status(503, "{\"error\":\"busy\"}", new ExceptionFactory.Meta("req", null, "2", null)).details(), cause);
        OpenAiCompatException third = ExceptionFactory.withAttempts(first, 3);
        assertThat(third).isExactlyInstanceOf(ServerException.class).hasCause(cause);
        assertThat(third.getMessage()).isEqualTo("HTTP 503: busy (after 3 attempts)");
        assertThat(third.requestId()).isEqualTo("req");
        assertThat(third.retryAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(third.getStackTrace()).isEqualTo(first.getStackTrace());
        OpenAiCompatException fourth = ExceptionFactory.withAttempts(third, 4);
        assertThat(fourth.getMessage()).isEqualTo("HTTP 503: busy (after 4 attempts)");
        assertThat(ExceptionFactory.withAttempts(first, 1)).isSameAs(first);
    }

    @Test
    void withAttemptsKeepsEveryType() {
        for (OpenAiCompatException e : new OpenAiCompatException[] {
                ExceptionFactory.timeout("t", null), ExceptionFactory.connection("c", true, null),
                ExceptionFactory.malformed("m", null, false, null), status(418, null, ExceptionFactory.Meta.NONE)}) {
            assertThat(ExceptionFactory.withAttempts(e, 2)).isExactlyInstanceOf(e.getClass())
                    .hasMessageEndingWith("(after 2 attempts)");
        }
        assertThat(ExceptionFactory.timeout("t", null)).isInstanceOf(ApiTimeoutException.class);
        assertThat(ExceptionFactory.connection("c", true, null)).isInstanceOf(ConnectionException.class);
        assertThat(ExceptionFactory.malformed("m", "r", false, null)).isInstanceOf(MalformedResponseException.class)
                .hasMessage("m [request id=r]");
    }

    @Test
    void unknownStatusesGetTheBaseType() {
        assertThat(status(418, null, ExceptionFactory.Meta.NONE)).isExactlyInstanceOf(OpenAiCompatException.class);
        assertThat(status(451, null, ExceptionFactory.Meta.NONE).isRetryable()).isFalse();
        assertThat(status(599, null, ExceptionFactory.Meta.NONE)).isExactlyInstanceOf(ServerException.class);
    }
}
