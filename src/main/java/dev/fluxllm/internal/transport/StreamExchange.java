package dev.fluxllm.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.function.Function;
import reactor.util.context.ContextView;

/**
 * One attempt of a streamed call, as the shared request sender and response handler of its route
 * find it in the subscriber's {@code Context}: one Reactor Netty request built per route, not per
 * call, so an open stream does not keep a copy of the client's configuration with its body.
 */
final class StreamExchange<T> {

    /** The Context key the attempt is found under. */
    @SuppressWarnings("rawtypes")
    static final Class<StreamExchange> KEY = StreamExchange.class;

    final Function<String, ? extends BodyDecoder<T>> decoders;
    final Function<HttpReply, Throwable> nonStreamReply;
    final CallObserver observer;
    final CallWatch<T> watch;
    /** The serialized request, until the response headers arrive: the request was sent by then. */
    private byte[] body;

    StreamExchange(byte[] body, Function<String, ? extends BodyDecoder<T>> decoders,
                   Function<HttpReply, Throwable> nonStreamReply, CallObserver observer, CallWatch<T> watch) {
        this.body = body;
        this.decoders = decoders;
        this.nonStreamReply = nonStreamReply;
        this.observer = observer;
        this.watch = watch;
    }

    @SuppressWarnings("unchecked")
    static <T> StreamExchange<T> of(ContextView context) {
        return context.get(KEY);
    }

    /** Returns the request body to send. */
    ByteBuf body() {
        byte[] b = body;
        if (b == null) {
            // Reactor Netty's own resends (retry, redirects) are off: one attempt sends once.
            throw new IllegalStateException("The request body of this attempt was already sent");
        }
        return Unpooled.wrappedBuffer(b);
    }

    /** Records the response headers: the body is not needed any more (a retry sends its own attempt). */
    void headersArrived() {
        body = null;
        watch.headersArrived();
    }
}
