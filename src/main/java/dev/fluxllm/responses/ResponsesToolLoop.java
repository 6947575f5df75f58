package dev.fluxllm.responses;

import dev.fluxllm.MalformedToolCallException;
import dev.fluxllm.OpenAiCompatClient;
import dev.fluxllm.Tool;
import dev.fluxllm.ToolCall;
import dev.fluxllm.tools.ToolInvocation;
import dev.fluxllm.tools.ToolLoop;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs a {@link ToolLoop}'s tools over the Responses API: call the model, run the function calls
 * it makes (validated and bounded as the chat loop does), send the outputs back as
 * {@code function_call_output} items and call again, until it answers without calls or the turn
 * limit is hit. The conversation is sent whole each turn, the model's output items (reasoning
 * items included) echoed back as received, so it works against stateless servers and with
 * {@code store: false}. A call refused (unknown tool, malformed or schema-breaking arguments)
 * is answered with the correction and none of that turn's other calls run, counted against the
 * loop's {@code maxCorrections}.
 */
public final class ResponsesToolLoop {

    private final Function<ResponseRequest, Mono<Response>> generate;
    private final ToolLoop tools;

    private ResponsesToolLoop(Function<ResponseRequest, Mono<Response>> generate, ToolLoop tools) {
        this.generate = Objects.requireNonNull(generate, "generate");
        this.tools = Objects.requireNonNull(tools, "tools");
    }

    /** Runs {@code tools} (a loop's registrations and limits) against {@code client}'s Responses API. */
    public static ResponsesToolLoop of(OpenAiCompatClient client, ToolLoop tools) {
        Objects.requireNonNull(client, "client");
        return new ResponsesToolLoop(client::generate, tools);
    }

    /** Runs {@code tools} against any function, e.g. a test fake. */
    public static ResponsesToolLoop of(Function<ResponseRequest, Mono<Response>> generate, ToolLoop tools) {
        return new ResponsesToolLoop(generate, tools);
    }

    /** Runs the conversation that starts with {@code request}; the loop's tools are added to it. */
    public Mono<Result> run(ResponseRequest request) {
        Objects.requireNonNull(request, "request");
        return Mono.defer(() -> new Run(request).turn());
    }

    /**
     * Holds the end of a conversation.
     *
     * @param response          the last response (without function calls, unless the turn limit was reached)
     * @param input             the whole conversation as input items, ready to continue it
     * @param turns             how many model calls were made
     * @param invocations       every tool invocation, refused ones included, in order
     * @param turnLimitReached  whether the loop stopped at {@code maxTurns} with calls left unrun
     */
    public record Result(Response response, List<InputItem> input, int turns, List<ToolInvocation> invocations,
                         boolean turnLimitReached) {
        public Result {
            input = List.copyOf(input);
            invocations = List.copyOf(invocations);
        }

        /** Returns the last response's output text. */
        public String text() {
            return response.outputText();
        }
    }

    /** One conversation; its state is touched only between steps. */
    private final class Run {
        private final ResponseRequest base;
        private final List<InputItem> input = new ArrayList<>();
        private final List<ToolInvocation> invocations = new ArrayList<>();
        private int turns;
        private int corrections;

        Run(ResponseRequest request) {
            Set<String> declared = new HashSet<>();
            request.tools().forEach(t -> declared.add(t.name()));
            ResponseRequest.Builder b = request.toBuilder();
            for (Tool t : tools.tools()) {
                if (!declared.contains(t.name())) {
                    b.tool(t);
                }
            }
            this.base = b.build();
            if (request.inputText() != null) {
                input.add(InputItem.user(request.inputText()));
            } else {
                input.addAll(request.inputItems());
            }
        }

        Mono<Result> turn() {
            int turn = ++turns;
            return generate.apply(base.toBuilder().input(List.copyOf(input)).build())
                    .flatMap(response -> afterModel(turn, response));
        }

        private Mono<Result> afterModel(int turn, Response response) {
            List<ToolCall> calls = response.functionCalls();
            response.output().forEach(item -> input.add(InputItem.of(item)));
            if (calls.isEmpty() || turn >= tools.maxTurns()) {
                return Mono.just(new Result(response, input, turns, invocations, !calls.isEmpty()));
            }
            List<ToolInvocation> refused = new ArrayList<>();
            for (ToolCall call : calls) {
                tools.check(turn, call).ifPresent(refused::add);
            }
            Mono<List<ToolInvocation>> results;
            if (!refused.isEmpty()) {
                if (++corrections > tools.maxCorrections()) {
                    return Mono.error(new MalformedToolCallException("The model sent an invalid tool call "
                            + (tools.maxCorrections() + 1) + " times; last: " + refused.get(0).result()));
                }
                List<ToolInvocation> answers = new ArrayList<>(calls.size());
                for (ToolCall call : calls) {
                    answers.add(refused.stream().filter(r -> r.call() == call).findFirst().orElseGet(() ->
                            new ToolInvocation(turn, call, ToolInvocation.Status.NOT_RUN, "Not run: another tool call in "
                                    + "the same response was invalid. Call this tool again if it is still needed.",
                                    null, java.time.Duration.ZERO)));
                }
                results = Mono.just(answers);
            } else {
                results = Flux.fromIterable(calls)
                        .flatMapSequential(call -> tools.invoke(turn, call), tools.toolConcurrency())
                        .collectList();
            }
            return results.flatMap(answers -> {
                for (ToolInvocation r : answers) {
                    invocations.add(r);
                    input.add(InputItem.functionCallOutput(r.call().id(), r.result()));
                }
                return turn();
            });
        }
    }
}
