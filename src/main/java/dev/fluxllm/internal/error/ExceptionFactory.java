package dev.fluxllm.internal.error;

import dev.fluxllm.ApiTimeoutException;
import dev.fluxllm.AuthenticationException;
import dev.fluxllm.BadRequestException;
import dev.fluxllm.ConnectionException;
import dev.fluxllm.ErrorDetails;
import dev.fluxllm.MalformedResponseException;
import dev.fluxllm.MalformedToolCallException;
import dev.fluxllm.NotFoundException;
import dev.fluxllm.OpenAiCompatException;
import dev.fluxllm.PermissionDeniedException;
import dev.fluxllm.RateLimitException;
import dev.fluxllm.ServerException;
import dev.fluxllm.StreamErrorException;
import dev.fluxllm.internal.json.ErrorBodyReader;
import dev.fluxllm.internal.json.WireError;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Chooses the exception type for every failure, in one place: statuses, bodies, transport errors. */
public final class ExceptionFactory {

    /** Longest piece of a body kept in a message or in {@link ErrorDetails#body()}. */
    public static final int SNIPPET_CHARS = 500;

    /** How much of a non-JSON error body is searched for an HTML title. */
    private static final int HTML_WINDOW = 16 * 1024;
    private static final Pattern HTML_NOISE = Pattern.compile("<(script|style)[^>]*>.*?</\\1>|<!--.*?-->",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern HTML_TITLE = Pattern.compile("<title[^>]*>(.*?)</title>",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private ExceptionFactory() {
    }

    /** Holds what the failed response said in its headers. */
    public record Meta(String requestId, String retryAfterMs, String retryAfter, String shouldRetry) {
        public static final Meta NONE = new Meta(null, null, null, null);
    }

    /** Returns whether a status may succeed when the request is sent again. */
    public static boolean isRetryableStatus(int status) {
        return status == 408 || status == 409 || status == 429 || status >= 500;
    }

    /** Builds the typed exception for a non-2xx response. */
    public static OpenAiCompatException fromStatus(int status, String reason, byte[] body, Meta meta) {
        WireError error = ErrorBodyReader.read(body);
        String snippet = snippet(body);
        String text = error != null ? cap(error.message()) : readable(body);
        boolean retryable = isRetryableStatus(status);
        if ("true".equalsIgnoreCase(meta.shouldRetry())) {
            retryable = true;
        } else if ("false".equalsIgnoreCase(meta.shouldRetry())) {
            retryable = false;
        }
        Duration retryAfter = RetryAfter.parse(meta.retryAfterMs(), meta.retryAfter(), System.currentTimeMillis());
        ErrorDetails details = new ErrorDetails(status, error == null ? null : error.type(),
                error == null ? null : error.code(), error == null ? null : error.param(), meta.requestId(),
                snippet, retryAfter, retryable, 1);
        String message = "HTTP " + status + (reason == null || reason.isEmpty() ? "" : " " + reason)
                + (text.isEmpty() ? "" : ": " + text) + suffix(details);
        return forStatus(status, message, details, null);
    }

    /** Builds the exception for an error the server sent inside a stream (or a 200 body). */
    public static OpenAiCompatException streamError(WireError error, String requestId) {
        int embedded = error.httpStatus();
        boolean retryable = embedded == 429 || embedded >= 500;
        ErrorDetails details = new ErrorDetails(embedded, error.type(), error.code(), error.param(), requestId,
                null, null, retryable, 1);
        return new StreamErrorException("Server error in stream: " + cap(error.message()) + suffix(details),
                details, null);
    }

    /** Builds the exception for an {@code event: error} whose data is not a recognised error body. */
    public static OpenAiCompatException streamErrorEvent(String data, String requestId) {
        ErrorDetails details = new ErrorDetails(0, null, null, null, requestId, cap(data), null, false, 1);
        return new StreamErrorException("Server error event in stream: " + cap(data) + suffix(details),
                details, null);
    }

    /** Builds a {@link MalformedResponseException}; {@code retryable} when a fresh attempt may fix it. */
    public static MalformedResponseException malformed(String message, String requestId, boolean retryable,
                                                       Throwable cause) {
        ErrorDetails details = new ErrorDetails(0, null, null, null, requestId, null, null, retryable, 1);
        return new MalformedResponseException(message + suffix(details), details, cause);
    }

    /** Builds a {@link MalformedResponseException} that carries (the start of) the body it is about. */
    public static MalformedResponseException malformed(String message, String requestId, byte[] body) {
        ErrorDetails details = new ErrorDetails(0, null, null, null, requestId, cap(snippet(body)), null, false, 1);
        return new MalformedResponseException(message + suffix(details), details, null);
    }

    /** Builds a {@link ConnectionException}. */
    public static ConnectionException connection(String message, boolean retryable, Throwable cause) {
        return new ConnectionException(message, ErrorDetails.of(retryable), cause);
    }

    /**
     * Builds the {@link ConnectionException} for a connection closed before any response: retryable
     * at once (a zero wait in place of the backoff), as the likely cause is a stale pooled connection.
     */
    public static ConnectionException staleConnection(String message, Throwable cause) {
        return new ConnectionException(message,
                new ErrorDetails(0, null, null, null, null, null, Duration.ZERO, true, 1), cause);
    }

    /** Builds an {@link ApiTimeoutException}; timeouts are retryable. */
    public static ApiTimeoutException timeout(String message, Throwable cause) {
        return new ApiTimeoutException(message, ErrorDetails.of(true), cause);
    }

    /** Returns the same failure telling how many attempts were made (a new instance of the same type). */
    public static OpenAiCompatException withAttempts(OpenAiCompatException e, int attempts) {
        if (e.attempts() == attempts) {
            return e;
        }
        ErrorDetails d = e.details().withAttempts(attempts);
        String message = rawMessage(e);
        OpenAiCompatException copy = copyOf(e, message, d, e.getCause());
        copy.setStackTrace(e.getStackTrace());
        for (Throwable s : e.getSuppressed()) {
            copy.addSuppressed(s);
        }
        return copy;
    }

    /**
     * Returns the failure with every secret replaced by {@code ***} in its message and details (a
     * server may echo the request's {@code Authorization} header in an error body); the same
     * instance when no secret appears. A cause whose message holds a secret is dropped.
     */
    public static OpenAiCompatException redact(OpenAiCompatException e, List<String> secrets) {
        if (secrets.isEmpty()) {
            return e;
        }
        String message = rawMessage(e);
        ErrorDetails d = e.details();
        boolean causeLeaks = false;
        for (Throwable c = e.getCause(); c != null && !causeLeaks; c = c.getCause()) {
            causeLeaks = contains(c.getMessage(), secrets);
        }
        if (!causeLeaks && !contains(message, secrets) && !contains(d.body(), secrets) && !contains(d.errorType(), secrets)
                && !contains(d.errorCode(), secrets) && !contains(d.param(), secrets) && !contains(d.requestId(), secrets)) {
            return e;
        }
        ErrorDetails clean = new ErrorDetails(d.statusCode(), hide(d.errorType(), secrets), hide(d.errorCode(), secrets),
                hide(d.param(), secrets), hide(d.requestId(), secrets), hide(d.body(), secrets), d.retryAfter(),
                d.retryable(), d.attempts());
        OpenAiCompatException copy = copyOf(e, hide(message, secrets), clean, causeLeaks ? null : e.getCause());
        copy.setStackTrace(e.getStackTrace());
        for (Throwable s : e.getSuppressed()) {
            if (!contains(String.valueOf(s), secrets)) {
                copy.addSuppressed(s);
            }
        }
        return copy;
    }

    private static boolean contains(String text, List<String> secrets) {
        if (text == null) {
            return false;
        }
        for (String secret : secrets) {
            if (text.contains(secret)) {
                return true;
            }
        }
        return false;
    }

    private static String hide(String text, List<String> secrets) {
        if (text == null) {
            return null;
        }
        for (String secret : secrets) {
            text = text.replace(secret, "***");
        }
        return text;
    }

    private static OpenAiCompatException copyOf(OpenAiCompatException e, String m, ErrorDetails d, Throwable c) {
        if (e instanceof BadRequestException) return new BadRequestException(m, d, c);
        if (e instanceof AuthenticationException) return new AuthenticationException(m, d, c);
        if (e instanceof PermissionDeniedException) return new PermissionDeniedException(m, d, c);
        if (e instanceof NotFoundException) return new NotFoundException(m, d, c);
        if (e instanceof RateLimitException) return new RateLimitException(m, d, c);
        if (e instanceof ServerException) return new ServerException(m, d, c);
        if (e instanceof ConnectionException) return new ConnectionException(m, d, c);
        if (e instanceof ApiTimeoutException) return new ApiTimeoutException(m, d, c);
        if (e instanceof MalformedResponseException) return new MalformedResponseException(m, d, c);
        if (e instanceof StreamErrorException) return new StreamErrorException(m, d, c);
        if (e instanceof MalformedToolCallException) return new MalformedToolCallException(m, d, c);
        return new OpenAiCompatException(m, d, c);
    }

    /** Returns the message without the "(after N attempts)" suffix that getMessage adds. */
    private static String rawMessage(OpenAiCompatException e) {
        String m = e.getMessage();
        String suffix = " (after " + e.attempts() + " attempts)";
        return m != null && e.attempts() > 1 && m.endsWith(suffix) ? m.substring(0, m.length() - suffix.length()) : m;
    }

    private static OpenAiCompatException forStatus(int status, String message, ErrorDetails d, Throwable cause) {
        return switch (status) {
            case 400, 422 -> new BadRequestException(message, d, cause);
            case 401 -> new AuthenticationException(message, d, cause);
            case 403 -> new PermissionDeniedException(message, d, cause);
            case 404 -> new NotFoundException(message, d, cause);
            case 408 -> new ApiTimeoutException(message, d, cause);
            case 429 -> new RateLimitException(message, d, cause);
            default -> status >= 500 ? new ServerException(message, d, cause)
                    : new OpenAiCompatException(message, d, cause);
        };
    }

    private static String suffix(ErrorDetails d) {
        StringBuilder sb = new StringBuilder();
        if (d.errorType() != null) {
            sb.append("type=").append(d.errorType());
        }
        if (d.errorCode() != null) {
            sb.append(sb.isEmpty() ? "" : ", ").append("code=").append(d.errorCode());
        }
        if (d.param() != null) {
            sb.append(sb.isEmpty() ? "" : ", ").append("param=").append(d.param());
        }
        if (d.requestId() != null) {
            sb.append(sb.isEmpty() ? "" : ", ").append("request id=").append(d.requestId());
        }
        return sb.isEmpty() ? "" : " [" + sb + "]";
    }

    /** Returns the start of a body as text, capped; null for no body. */
    public static String snippet(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        int len = Math.min(body.length, SNIPPET_CHARS * 4);
        return cap(new String(body, 0, len, StandardCharsets.UTF_8));
    }

    /** Caps text for a message. */
    public static String cap(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= SNIPPET_CHARS ? text : text.substring(0, SNIPPET_CHARS) + "...";
    }

    /**
     * Turns a non-JSON body into one readable line: an HTML page's title, else its text without
     * tags, scripts and styles, squeezed and capped. Looks further than the snippet: proxies' error
     * pages put kilobytes of markup before the title.
     */
    private static String readable(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        String text = new String(body, 0, Math.min(body.length, HTML_WINDOW), StandardCharsets.UTF_8);
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.contains("<html") || lower.contains("<!doctype")) {
            Matcher m = HTML_TITLE.matcher(text);
            if (m.find() && !m.group(1).isBlank()) {
                return cap(m.group(1).replaceAll("\\s+", " ").trim()) + " (HTML page)";
            }
            text = HTML_NOISE.matcher(text).replaceAll(" ").replaceAll("<[^>]*>", " ");
        }
        return cap(text.replaceAll("\\s+", " ").trim());
    }
}
