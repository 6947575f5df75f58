package dev.fluxllm.tools;

import dev.fluxllm.ChatMessage;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.ErrorDetails;
import dev.fluxllm.MalformedToolCallException;
import dev.fluxllm.SchemaViolation;
import dev.fluxllm.ToolCall;
import dev.fluxllm.tools.ToolInvocation.Status;
import dev.fluxllm.internal.assembly.ResponseAssembler;
import dev.fluxllm.internal.json.ToolArguments;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs one tool-loop conversation. The transcript is only touched between steps (after a model
 * call, after all tools of a turn settled), never while tools run, so it needs no locking.
 */
final class ToolLoopRun {

    private final ToolLoopSettings settings;
    private final ChatRequest first;
    private final List<ChatMessage> messages;
    private final List<ToolInvocation> invocations = new ArrayList<>();
    private int turns;
    private int corrections;

    public ToolLoopRun(ToolLoopSettings settings, ChatRequest request) {
        this.settings = settings;
        Set<String> declared = new TreeSet<>();
        request.tools().forEach(t -> declared.add(t.name()));
        ChatRequest.Builder withTools = request.toBuilder();
        for (ToolLoopSettings.Registered r : settings.tools().values()) {
            if (!declared.contains(r.tool().name())) {
                withTools.tool(r.tool());
            }
        }
        this.first = withTools.build();
        this.messages = new ArrayList<>(request.messages());
    }

    /** Returns the events of the whole conversation, ending with {@link ToolLoopEvent.Finished}. */
    public Flux<ToolLoopEvent> events() {
        return Flux.defer(this::turn);
    }

    private Flux<ToolLoopEvent> turn() {
        int turn = ++turns;
        // The transcript only grows: the first request's messages, then what the loop appended.
        ChatRequest.Builder builder = first.toBuilder().messages(messages.subList(first.messages().size(), messages.size()));
        // Tools from servers are read each round: a list change takes effect at the next call.
        for (dev.fluxllm.Tool t : settings.sourceTools()) {
            if (first.tools().stream().noneMatch(d -> d.name().equals(t.name()))) {
                builder.tool(t);
            }
        }
        ChatRequest request = builder.build();
        ChatResponse[] answer = new ChatResponse[1];
        Flux<ToolLoopEvent> model = settings.streaming() ? streamed(turn, request, answer) : generated(turn, request, answer);
        return model.concatWith(Flux.defer(() -> afterModel(turn, answer[0])));
    }

    private Flux<ToolLoopEvent> generated(int turn, ChatRequest request, ChatResponse[] answer) {
        return Mono.defer(() -> settings.generate().apply(request))
                .flatMapMany(response -> {
                    answer[0] = response;
                    return response.text().isEmpty() ? Flux.empty()
                            : Flux.just(new ToolLoopEvent.ContentDelta(turn, response.text()));
                });
    }

    private Flux<ToolLoopEvent> streamed(int turn, ChatRequest request, ChatResponse[] answer) {
        return Flux.defer(() -> {
            ResponseAssembler assembler = new ResponseAssembler();
            return settings.stream().apply(request)
                    .doOnNext(assembler::add)
                    .<ToolLoopEvent>handle((chunk, sink) -> {
                        if (!chunk.text().isEmpty()) {
                            sink.next(new ToolLoopEvent.ContentDelta(turn, chunk.text()));
                        }
                    })
                    .doOnComplete(() -> answer[0] = assembler.build());
        });
    }

    private Flux<ToolLoopEvent> afterModel(int turn, ChatResponse response) {
        if (response == null) {
            return Flux.error(new IllegalStateException("the model call completed without a response"));
        }
        messages.add(ChatMessage.assistant(response));
        List<ToolCall> calls = response.toolCalls();
        if (calls.isEmpty()) {
            return finish(turn, response, false);
        }
        if (turn >= settings.maxTurns()) {
            return finish(turn, response, true);
        }
        List<ToolInvocation> refused = refuse(turn, calls);
        if (refused != null) {
            if (++corrections > settings.maxCorrections()) {
                ToolInvocation bad = refused.stream().filter(i -> i.status() != Status.NOT_RUN).findFirst().orElseThrow();
                return Flux.error(new MalformedToolCallException("The model sent an invalid tool call "
                        + (settings.maxCorrections() + 1) + " times; last: " + bad.result()));
            }
            List<ToolLoopEvent> events = new ArrayList<>();
            for (ToolInvocation invocation : refused) {
                record(invocation);
                events.add(new ToolLoopEvent.ToolCallFinished(turn, invocation));
            }
            events.add(new ToolLoopEvent.TurnFinished(turn, response));
            return Flux.fromIterable(events).concatWith(Flux.defer(this::turn));
        }
        ToolInvocation[] settled = new ToolInvocation[calls.size()];
        return Flux.range(0, calls.size())
                .flatMap(i -> Flux.<ToolLoopEvent>concat(Mono.just(new ToolLoopEvent.ToolCallStarted(turn, calls.get(i))),
                        invoke(turn, calls.get(i)).<ToolLoopEvent>map(invocation -> {
                            settled[i] = invocation;
                            return new ToolLoopEvent.ToolCallFinished(turn, invocation);
                        })), settings.toolConcurrency())
                .concatWith(Flux.defer(() -> {
                    for (ToolInvocation invocation : settled) {
                        record(invocation);
                    }
                    return Flux.<ToolLoopEvent>just(new ToolLoopEvent.TurnFinished(turn, response))
                            .concatWith(Flux.defer(this::turn));
                }));
    }

    private void record(ToolInvocation invocation) {
        invocations.add(invocation);
        messages.add(ChatMessage.toolResult(invocation.call().id(), invocation.result()));
    }

    private Flux<ToolLoopEvent> finish(int turn, ChatResponse response, boolean limitReached) {
        ToolLoopResult result = new ToolLoopResult(response, messages, turns, invocations, limitReached);
        return Flux.<ToolLoopEvent>just(new ToolLoopEvent.TurnFinished(turn, response),
                new ToolLoopEvent.Finished(turn, result));
    }

    /** Returns the refusals for a response with any invalid call (then none run), null when all are valid. */
    private List<ToolInvocation> refuse(int turn, List<ToolCall> calls) {
        List<ToolInvocation> refusals = new ArrayList<>(calls.size());
        boolean anyInvalid = false;
        for (ToolCall c : calls) {
            ToolInvocation r = refusal(settings, turn, c);
            refusals.add(r);
            anyInvalid |= r != null;
        }
        if (!anyInvalid) {
            return null;
        }
        List<ToolInvocation> refused = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            ToolInvocation r = refusals.get(i);
            refused.add(r != null ? r : new ToolInvocation(turn, calls.get(i), Status.NOT_RUN,
                    "Not run: another tool call in the same message was invalid. Call this tool again if"
                            + " it is still needed.", null, Duration.ZERO));
        }
        return refused;
    }

    /**
     * Returns why a call must not run (no such tool, arguments not a JSON object, arguments that
     * break the tool's schema) as the invocation the model is told about; null when it may run.
     */
    static ToolInvocation refusal(ToolLoopSettings settings, int turn, ToolCall call) {
        ToolLoopSettings.Registered registered = settings.lookup(call.name());
        String text;
        List<SchemaViolation> violations = List.of();
        Status status = Status.MALFORMED_ARGUMENTS;
        if (registered == null) {
            status = Status.UNKNOWN_TOOL;
            text = "Error: there is no tool named '" + call.name() + "'. Available tools: "
                    + String.join(", ", settings.allNames()) + ". Call one of them instead.";
        } else if (!call.argumentsValid()) {
            text = "Error: the arguments of this call to '" + call.name() + "' are not a valid JSON object: "
                    + ToolArguments.snippet(call.arguments()) + ". The tool did not run. Call it again with"
                    + " arguments that are one JSON object matching this schema: " + registered.tool().parametersJson();
        } else {
            violations = registered.executor().check(call);
            if (violations.isEmpty()) {
                return null;
            }
            text = "Error: the arguments of this call to '" + call.name() + "' break its schema: "
                    + violations + ". The tool did not run. Call it again with arguments that match: "
                    + registered.tool().parametersJson();
        }
        return new ToolInvocation(turn, call, status, text,
                new MalformedToolCallException(text, ErrorDetails.of(false), null, violations), Duration.ZERO);
    }

    private Mono<ToolInvocation> invoke(int turn, ToolCall call) {
        return run(settings, turn, call);
    }

    /** Runs a call that passed {@link #refusal}: its result, or its failure as the model's tool message. */
    static Mono<ToolInvocation> run(ToolLoopSettings settings, int turn, ToolCall call) {
        ToolLoopSettings.Registered tool = settings.lookup(call.name());
        if (tool == null) {
            return Mono.just(new ToolInvocation(turn, call, Status.FAILED, "Error: tool '" + call.name()
                    + "' is no longer offered.", null, Duration.ZERO));
        }
        return Mono.defer(() -> {
            long start = Schedulers.parallel().now(TimeUnit.NANOSECONDS);
            Mono<String> executed = tool.executor().execute(call).defaultIfEmpty("");
            if (settings.tracer() != null) {
                executed = settings.tracer().mono("execute_tool", "", null, call, executed, v -> null);
            }
            return executed
                    .map(text -> new ToolInvocation(turn, call, Status.SUCCEEDED, text, null, since(start)))
                    .onErrorResume(error -> settings.failOnToolError()
                            ? Mono.error(new ToolExecutionException(call, error))
                            : Mono.just(new ToolInvocation(turn, call, Status.FAILED,
                                    "Error: " + describe(error), error, since(start))));
        });
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(Math.max(0, Schedulers.parallel().now(TimeUnit.NANOSECONDS) - startNanos));
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }
}
