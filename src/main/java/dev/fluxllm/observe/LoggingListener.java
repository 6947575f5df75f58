package dev.fluxllm.observe;

import dev.fluxllm.CallStats;
import dev.fluxllm.LlmCall;
import dev.fluxllm.LlmListener;
import java.time.Duration;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Logs one line per finished call through {@code reactor.util.Loggers} (SLF4J when present), under
 * the logger {@value #LOGGER}: INFO for completed calls, WARN for failed ones, INFO for
 * cancelled ones. Retries are logged at DEBUG. No header, key or message content is logged.
 *
 * <pre>
 * [req_5f2c...] vllm chat.stream model=qwen2.5-1.5b ok status=200 attempts=1 ttft=84ms elapsed=1210ms tokens=57 tok/s=50.6
 * </pre>
 */
public final class LoggingListener implements LlmListener {

    /** The logger name. */
    public static final String LOGGER = "dev.fluxllm.calls";

    private final Logger log;

    /** Logs under {@value #LOGGER}. */
    public LoggingListener() {
        this(Loggers.getLogger(LOGGER));
    }

    LoggingListener(Logger log) {
        this.log = log;
    }

    @Override
    public void onRetryScheduled(LlmCall call, int nextAttempt, Duration delay, Throwable cause) {
        if (log.isDebugEnabled()) {
            log.debug("[{}] {} {} retry {} in {}ms: {}", call.requestId(), call.client(), call.operation(),
                    nextAttempt, delay.toMillis(), cause.getMessage());
        }
    }

    @Override
    public void onWarning(LlmCall call, String message) {
        log.warn("[{}] {} {}: {}", call.requestId(), call.client(), call.operation(), message);
    }

    @Override
    public void onComplete(LlmCall call, CallStats stats) {
        if (log.isInfoEnabled()) {
            log.info(line(call, "ok", stats));
        }
    }

    @Override
    public void onError(LlmCall call, Throwable error, CallStats stats) {
        log.warn(line(call, "failed", stats) + " error=" + error.getClass().getSimpleName() + ": " + error.getMessage());
    }

    @Override
    public void onCancel(LlmCall call, CallStats stats) {
        if (log.isInfoEnabled()) {
            log.info(line(call, "cancelled", stats));
        }
    }

    /** Returns the line logged for a finished call (without the error part). */
    static String line(LlmCall call, String outcome, CallStats s) {
        StringBuilder b = new StringBuilder(160)
                .append('[').append(call.requestId()).append("] ")
                .append(call.client()).append(' ').append(call.operation());
        if (call.model() != null) {
            b.append(" model=").append(call.model());
        }
        b.append(' ').append(outcome)
                .append(" status=").append(s.status())
                .append(" attempts=").append(s.attempts());
        if (s.timeToFirstToken() != null) {
            b.append(" ttft=").append(s.timeToFirstToken().toMillis()).append("ms");
        }
        b.append(" elapsed=").append(s.elapsed().toMillis()).append("ms");
        if (s.completionTokens() > 0) {
            b.append(" tokens=").append(s.completionTokens())
                    .append(" tok/s=").append(String.format(java.util.Locale.ROOT, "%.1f", s.tokensPerSecond()));
        }
        return b.toString();
    }
}
