package dev.fluxllm;

import dev.fluxllm.internal.assembly.ResponseAssembler;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * {@link ChatStreams#assemble} as one operator: the chunks go into an assembler, its response is
 * the one value, and a typed failure carries what had arrived. One subscriber per stream instead
 * of collect, map and onErrorMap (three subscribers and their lambdas, kept while the stream is open).
 */
final class AssembledResponse extends Mono<ChatResponse> {

    private final Flux<ChatChunk> chunks;

    AssembledResponse(Flux<ChatChunk> chunks) {
        this.chunks = chunks;
    }

    @Override
    public void subscribe(CoreSubscriber<? super ChatResponse> actual) {
        chunks.subscribe(new Assembling(actual));
    }

    private static final class Assembling extends Operators.MonoSubscriber<ChatChunk, ChatResponse> {

        private final ResponseAssembler assembler = new ResponseAssembler();
        private Subscription upstream;
        private boolean done;

        Assembling(CoreSubscriber<? super ChatResponse> actual) {
            super(actual);
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstream, s)) {
                upstream = s;
                actual.onSubscribe(this);
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(ChatChunk chunk) {
            if (done) {
                Operators.onNextDropped(chunk, actual.currentContext());
                return;
            }
            try {
                assembler.add(chunk);
            } catch (RuntimeException e) {
                onError(Operators.onOperatorError(upstream, e, chunk, actual.currentContext()));
            }
        }

        @Override
        public void onError(Throwable t) {
            if (done) {
                Operators.onErrorDropped(t, actual.currentContext());
                return;
            }
            done = true;
            fail(t);
        }

        @Override
        public void onComplete() {
            if (done) {
                return;
            }
            done = true;
            ChatResponse response;
            try {
                response = assembler.build();
            } catch (RuntimeException e) {
                fail(e);
                return;
            }
            complete(response);
        }

        private void fail(Throwable t) {
            if (t instanceof OpenAiCompatException e) {
                e.attachPartialResponse(assembler.build());
            }
            actual.onError(t);
        }

        @Override
        public void cancel() {
            super.cancel();
            upstream.cancel();
        }
    }
}
