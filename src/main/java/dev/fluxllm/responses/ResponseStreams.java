package dev.fluxllm.responses;

import dev.fluxllm.MalformedResponseException;
import dev.fluxllm.OpenAiCompatException;
import dev.fluxllm.internal.error.ExceptionFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Turns a stream of Responses API events into what callers want from it: the whole response, or the text. */
public final class ResponseStreams {

    private ResponseStreams() {
    }

    /**
     * Folds the events into the {@link Response} that {@code generate} would have returned; use as
     * {@code client.stream(request).as(ResponseStreams::assemble)}. A {@code response.incomplete}
     * stream gives a response with that status and its reason, not an error. Fails with
     * {@link MalformedResponseException} for events out of order, for an unknown item, or when
     * the events end before a terminal one; with {@code StreamErrorException} for
     * {@code response.failed} and {@code error}. A failure carries what had arrived, folded:
     * {@code e.partialResult(Response.class)}.
     */
    public static Mono<Response> assemble(Flux<ResponseEvent> events) {
        return Mono.defer(() -> {
            ResponseFolder folder = new ResponseFolder();
            return events.collect(() -> folder, ResponseFolder::add)
                    .map(f -> {
                        if (!f.finished()) {
                            throw ExceptionFactory.malformed("Response stream ended before any terminal event "
                                    + "(response.completed, response.incomplete, response.failed)", null, false, null);
                        }
                        return f.build();
                    })
                    .onErrorMap(OpenAiCompatException.class, e -> {
                        e.attachPartialResult(safeBuild(folder));
                        return e;
                    });
        });
    }

    /** Returns the output text deltas, skipping every other event. */
    public static Flux<String> text(Flux<ResponseEvent> events) {
        // filter and map, not handle: with context-propagation on the classpath, handle restores
        // the subscriber context's thread locals (a caller's observation scope) around every event.
        return events.filter(e -> e instanceof ResponseEvent.OutputTextDelta d && !d.delta().isEmpty())
                .map(e -> ((ResponseEvent.OutputTextDelta) e).delta());
    }

    private static Response safeBuild(ResponseFolder folder) {
        try {
            return folder.build();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
