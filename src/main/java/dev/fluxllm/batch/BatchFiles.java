package dev.fluxllm.batch;

import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.OpenAiCompatClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs a JSONL file in the OpenAI Batch API's input format into a JSONL file in its output
 * format, resumably.
 *
 * <pre>{@code
 * BatchFileReport report = BatchFiles.run(client, Path.of("requests.jsonl"), Path.of("results.jsonl"),
 *         BatchOptions.builder().maxConcurrency(32).requestsPerMinute(3_000).build()).block();
 * }</pre>
 *
 * <p>The input is read one line at a time as the batch pulls it, never whole. Each result is
 * appended as one flushed line as soon as it is ready, so results come out in completion order.
 * A line that cannot be sent (not JSON, no {@code custom_id}, a {@code custom_id} seen on an
 * earlier line, a url other than {@code /v1/chat/completions}, a method other than POST, a body
 * without messages) gets an error result naming the line and the problem; the job goes on.
 *
 * <p>A rerun resumes: the {@code custom_id}s (and invalid lines) the output already answers are
 * skipped, and a torn last line, left by a kill during a write, is cut off and its input redone.
 * So a run stopped at any point and run again ends with exactly one result line per input line.
 * Remembering the ids seen costs memory per line, not per body.
 *
 * <p>The returned Mono is cold: each subscription runs the file afresh (resuming). Cancelling it
 * stops the batch and closes both files; the output stays valid. File access runs on
 * {@link Schedulers#boundedElastic()}.
 */
public final class BatchFiles {

    private BatchFiles() {
    }

    /** Runs {@code input} through {@code client.generate} into {@code output}; see the class comment. */
    public static Mono<BatchFileReport> run(OpenAiCompatClient client, Path input, Path output, BatchOptions options) {
        Objects.requireNonNull(client, "client");
        return run((Function<ChatRequest, Mono<ChatResponse>>) client::generate, input, output, options);
    }

    /** Runs {@code input} through any call (a router, a test fake) into {@code output}. */
    public static Mono<BatchFileReport> run(Function<ChatRequest, Mono<ChatResponse>> call, Path input, Path output,
                                            BatchOptions options) {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(options, "options");
        return Mono.fromCallable(() -> ResumeState.read(output))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(done -> Mono.using(() -> new LineWriter(output),
                        writer -> new Run(call, input, options, done, writer).report(),
                        LineWriter::close));
    }

    /** One subscription's state. */
    private static final class Run {
        private final Function<ChatRequest, Mono<ChatResponse>> call;
        private final Path input;
        private final BatchOptions options;
        private final ResumeState done;
        private final LineWriter writer;
        private final Map<String, Long> seen = new HashMap<>();
        private final Map<ChatRequest, String> idOf = Collections.synchronizedMap(new IdentityHashMap<>());
        private final AtomicLong lines = new AtomicLong();
        private final AtomicLong skipped = new AtomicLong();
        private final AtomicLong succeeded = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private final AtomicLong invalid = new AtomicLong();
        private final long startedAt = System.nanoTime();

        Run(Function<ChatRequest, Mono<ChatResponse>> call, Path input, BatchOptions options, ResumeState done,
            LineWriter writer) {
            this.call = call;
            this.input = input;
            this.options = options.ordered() ? options.toBuilder().ordered(false).build() : options;
            this.done = done;
            this.writer = writer;
        }

        Mono<BatchFileReport> report() {
            Flux<ChatRequest> pending = Flux.using(() -> Files.newBufferedReader(input, StandardCharsets.UTF_8),
                            reader -> Flux.fromStream(reader.lines()).index(),
                            BatchFiles::closeQuietly)
                    .subscribeOn(Schedulers.boundedElastic())
                    .handle((numbered, sink) -> {
                        ChatRequest request = take(numbered.getT1() + 1, numbered.getT2());
                        if (request != null) {
                            sink.next(request);
                        }
                    });
            return Batch.run(pending, call, options)
                    // Blocking file writes belong on boundedElastic, never on an event loop.
                    .publishOn(Schedulers.boundedElastic(), 32)
                    .doOnNext(r -> {
                        writer.write(BatchLines.output(idOf.remove(r.request()), r));
                        (r.isSuccess() ? succeeded : failed).incrementAndGet();
                    })
                    .then(Mono.fromSupplier(() -> new BatchFileReport(lines.get(), skipped.get(), succeeded.get(),
                            failed.get(), invalid.get(), Duration.ofNanos(System.nanoTime() - startedAt))));
        }

        /** Parses line {@code n}; returns its request when it is to be sent, else writes or skips it. */
        private ChatRequest take(long n, String text) {
            if (text.isBlank()) {
                return null;
            }
            lines.incrementAndGet();
            BatchLine line = BatchLines.parse(text, "line " + n);
            if (line.customId() != null) {
                Long first = seen.putIfAbsent(line.customId(), n);
                if (first != null) {
                    line = line.invalid("line " + n + ": " + BatchLines.DUPLICATE_CUSTOM_ID + ": custom_id '"
                            + line.customId() + "' was already on line " + first);
                }
            }
            if (!line.isValid()) {
                if (done.doneLines.contains(n)) {
                    skipped.incrementAndGet();
                } else {
                    writer.write(BatchLines.invalid(line, n));
                    invalid.incrementAndGet();
                }
                return null;
            }
            if (done.doneIds.contains(line.customId())) {
                skipped.incrementAndGet();
                return null;
            }
            idOf.put(line.request(), line.customId());
            return line.request();
        }
    }

    /** Appends whole lines, each in one write and flushed, so a kill leaves at most a torn last line. */
    private static final class LineWriter implements AutoCloseable {
        private final OutputStream out;

        LineWriter(Path output) throws IOException {
            this.out = Files.newOutputStream(output, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }

        synchronized void write(String json) {
            try {
                out.write((json + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public synchronized void close() {
            closeQuietly(out);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Nothing more to save.
        }
    }
}
