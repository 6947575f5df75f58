package dev.fluxllm.observe;

import dev.fluxllm.CallStats;
import dev.fluxllm.ChatChunk;
import dev.fluxllm.CompletionChunk;
import dev.fluxllm.LlmCall;
import dev.fluxllm.LlmListener;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.OpenAiCompatException;
import dev.fluxllm.Providers;
import dev.fluxllm.ServerSentEvent;
import dev.fluxllm.internal.json.Json;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.core.publisher.Sinks;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Writes every call's events as JSON lines, one file per request id:
 * {@code <directory>/run_<UTC start, yyyyMMdd'T'HHmmss.SSS'Z'>_<request id>.jsonl}. Calls that share
 * a request id (a router's failover) share the file.
 *
 * <p>Listener methods only build the event and hand it to the writer's own thread, so they never
 * block an event loop; files are written and closed there. Each line holds {@code ts}, {@code event}
 * ({@code request_start}, {@code attempt}, {@code retry_scheduled}, {@code response_headers},
 * {@code first_token}, {@code chunk}, {@code complete}, {@code error}, {@code cancel}),
 * {@code request_id} and the event's fields. Nothing secret is written: no headers, no API key.
 * {@link #close()} flushes and stops the thread.
 *
 * <pre>{@code
 * JsonlTraceWriter traces = new JsonlTraceWriter(Path.of("traces"));
 * OpenAiCompatClient client = Providers.vllm().listener(traces).build();
 * }</pre>
 */
public final class JsonlTraceWriter implements LlmListener, AutoCloseable {

    private static final Logger log = Loggers.getLogger(JsonlTraceWriter.class);
    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Request ids whose file name is remembered after their calls ended, for later calls with the same id. */
    private static final int REMEMBERED_IDS = 10_000;

    private final Path directory;
    private final boolean chunks;
    // A ScheduledThreadPoolExecutor: handing it a task from an event loop never parks the caller
    // (Reactor's BlockHound integration allows its queue), unlike a plain LinkedBlockingQueue.
    private final ScheduledThreadPoolExecutor executor;
    // Touched only on the writer thread.
    private final Map<String, OpenFile> open = new HashMap<>();
    private final Map<String, Path> known = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Path> eldest) {
            return size() > REMEMBERED_IDS;
        }
    };
    private boolean failed;

    private static final class OpenFile {
        final Writer writer;
        int active;

        OpenFile(Writer writer) {
            this.writer = writer;
        }
    }

    /** Writes traces under {@code directory} (created when missing), chunk events included. */
    public JsonlTraceWriter(Path directory) {
        this(directory, true);
    }

    /**
     * Writes traces under {@code directory} (created when missing).
     *
     * @param chunks whether to write one {@code chunk} line per streamed item (default true)
     */
    public JsonlTraceWriter(Path directory, boolean chunks) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.chunks = chunks;
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "fluxllm-trace-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.executor = new ScheduledThreadPoolExecutor(1, factory);
        executor.prestartCoreThread();
    }

    /** Returns the directory the files go to. */
    public Path directory() {
        return directory;
    }

    /** Returns the file name used for a request id that started at {@code start}. */
    public static String fileName(Instant start, String requestId) {
        return "run_" + FILE_TIME.format(start) + "_" + requestId.replaceAll("[^A-Za-z0-9._-]", "_") + ".jsonl";
    }

    @Override
    public void onRequestStart(LlmCall call) {
        Map<String, Object> e = event(call, "request_start");
        e.put("client", call.client());
        e.put("operation", call.operation());
        e.put("model", call.model());
        e.put("base_url", call.baseUrl());
        e.put("path", call.path());
        submit(() -> {
            OpenFile f = file(call);
            if (f != null) {
                f.active++;
                write(f, e);
            }
        });
    }

    @Override
    public void onAttempt(LlmCall call, int attempt) {
        Map<String, Object> e = event(call, "attempt");
        e.put("attempt", attempt);
        append(call, e, false);
    }

    @Override
    public void onRetryScheduled(LlmCall call, int nextAttempt, Duration delay, Throwable cause) {
        Map<String, Object> e = event(call, "retry_scheduled");
        e.put("next_attempt", nextAttempt);
        e.put("delay_ms", delay.toMillis());
        e.put("cause", cause.getClass().getSimpleName() + ": " + cause.getMessage());
        append(call, e, false);
    }

    @Override
    public void onResponseHeaders(LlmCall call, int status, String serverRequestId) {
        Map<String, Object> e = event(call, "response_headers");
        e.put("status", status);
        e.put("server_request_id", serverRequestId);
        append(call, e, false);
    }

    @Override
    public void onFirstToken(LlmCall call, Duration latency) {
        Map<String, Object> e = event(call, "first_token");
        e.put("latency_ms", latency.toNanos() / 1e6);
        append(call, e, false);
    }

    @Override
    public void onChunk(LlmCall call, Object chunk, Duration sincePrevious) {
        if (!chunks) {
            return;
        }
        Map<String, Object> e = event(call, "chunk");
        e.put("since_previous_ms", sincePrevious.toNanos() / 1e6);
        if (chunk instanceof ChatChunk c) {
            e.put("text", c.text());
            if (!c.reasoning().isEmpty()) {
                e.put("reasoning", c.reasoning());
            }
            if (!c.toolCalls().isEmpty()) {
                e.put("tool_calls", c.toolCalls().size());
            }
            e.put("finish_reason", c.finishReason());
        } else if (chunk instanceof CompletionChunk c) {
            e.put("text", c.text());
            e.put("finish_reason", c.finishReason());
        } else if (chunk instanceof ServerSentEvent s) {
            e.put("type", s.type());
            e.put("data", s.data());
        }
        append(call, e, false);
    }

    @Override
    public void onComplete(LlmCall call, CallStats stats) {
        Map<String, Object> e = event(call, "complete");
        stats(e, stats);
        append(call, e, true);
    }

    @Override
    public void onError(LlmCall call, Throwable error, CallStats stats) {
        Map<String, Object> e = event(call, "error");
        e.put("error_type", error.getClass().getSimpleName());
        e.put("message", error.getMessage());
        if (error instanceof OpenAiCompatException oe) {
            e.put("status", oe.statusCode());
            e.put("retryable", oe.isRetryable());
        }
        stats(e, stats);
        append(call, e, true);
    }

    @Override
    public void onCancel(LlmCall call, CallStats stats) {
        Map<String, Object> e = event(call, "cancel");
        stats(e, stats);
        append(call, e, true);
    }

    /** Returns a Mono that completes once every event handed over before it is written and flushed. */
    public Mono<Void> flush() {
        return Mono.defer(() -> {
            Sinks.Empty<Void> done = Sinks.empty();
            submit(() -> {
                for (OpenFile f : open.values()) {
                    try {
                        f.writer.flush();
                    } catch (IOException e) {
                        warn(e);
                    }
                }
                done.tryEmitEmpty();
            });
            return done.asMono();
        });
    }

    /**
     * Writes what is pending, closes the files and stops the writer thread; completes when all of
     * that is done. Never blocks.
     */
    public Mono<Void> closeAsync() {
        return flush()
                .then(Mono.<Void>create(sink -> {
                    try {
                        executor.execute(() -> {
                            closeAll();
                            sink.success();
                        });
                    } catch (java.util.concurrent.RejectedExecutionException e) {
                        sink.success(); // already closed
                    }
                }))
                .doFinally(signal -> executor.shutdown());
    }

    /**
     * Closes like {@link #closeAsync()}, waiting up to 10 s for the files to be closed; on a
     * non-blocking thread (an event loop) it starts the close and returns at once instead.
     */
    @Override
    public void close() {
        if (Schedulers.isInNonBlockingThread()) {
            closeAsync().subscribe();
            return;
        }
        closeAsync().block(Duration.ofSeconds(10));
    }

    private static Map<String, Object> event(LlmCall call, String name) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("ts", Instant.now().toString());
        e.put("event", name);
        e.put("request_id", call.requestId());
        return e;
    }

    private static void stats(Map<String, Object> e, CallStats s) {
        e.put("attempts", s.attempts());
        e.put("status", e.containsKey("status") ? e.get("status") : s.status());
        e.put("elapsed_ms", s.elapsed().toNanos() / 1e6);
        e.put("time_to_first_token_ms", s.timeToFirstToken() == null ? null : s.timeToFirstToken().toNanos() / 1e6);
        if (s.usage() != null) {
            e.put("prompt_tokens", s.usage().promptTokens());
            e.put("completion_tokens", s.usage().completionTokens());
            e.put("total_tokens", s.usage().totalTokens());
        }
        e.put("tokens_per_second", s.tokensPerSecond());
    }

    private void append(LlmCall call, Map<String, Object> e, boolean last) {
        submit(() -> {
            OpenFile f = file(call);
            if (f == null) {
                return;
            }
            write(f, e);
            if (last && --f.active <= 0) {
                open.remove(call.requestId());
                try {
                    f.writer.close();
                } catch (IOException ex) {
                    warn(ex);
                }
            }
        });
    }

    private void submit(Runnable task) {
        try {
            executor.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closed: the event is dropped.
        }
    }

    private OpenFile file(LlmCall call) {
        OpenFile f = open.get(call.requestId());
        if (f != null) {
            return f;
        }
        try {
            Files.createDirectories(directory);
            Path path = known.computeIfAbsent(call.requestId(),
                    id -> directory.resolve(fileName(call.startedAt(), id)));
            f = new OpenFile(Files.newBufferedWriter(path, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND));
            open.put(call.requestId(), f);
            return f;
        } catch (IOException | RuntimeException e) {
            warn(e);
            return null;
        }
    }

    private void write(OpenFile f, Map<String, Object> e) {
        try {
            f.writer.write(Json.MAPPER.writeValueAsString(e));
            f.writer.write('\n');
        } catch (IOException | RuntimeException ex) {
            warn(ex);
        }
    }

    private void closeAll() {
        for (OpenFile f : open.values()) {
            try {
                f.writer.close();
            } catch (IOException e) {
                warn(e);
            }
        }
        open.clear();
    }

    private void warn(Exception e) {
        if (!failed) {
            failed = true;
            log.warn("Cannot write traces to {}: {} (further failures are not logged)", directory, e.toString());
        }
    }

    @Override
    public String toString() {
        return "JsonlTraceWriter[" + directory + "]";
    }
}
