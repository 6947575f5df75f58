package dev.fluxllm.internal.transport;

import dev.fluxllm.OpenAiCompatException;
import dev.fluxllm.internal.error.ExceptionFactory;
import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquirePendingLimitException;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquireTimeoutException;

/** Maps what Reactor Netty and the JDK throw to the library's typed exceptions. */
final class TransportErrors {

    private TransportErrors() {
    }

    /** Returns whether the failure is a close before the response was complete. */
    static boolean isPrematureClose(Throwable t) {
        return t instanceof PrematureCloseException;
    }

    private static Throwable http2(io.netty.handler.codec.http2.Http2Exception e, String what) {
        if (String.valueOf(e.getMessage()).contains("First received frame was not SETTINGS")) {
            // An HTTP/1.1 server answering h2c prior knowledge: retrying cannot help.
            return ExceptionFactory.connection("The server does not speak HTTP/2 in the clear (h2c with prior knowledge): "
                    + what + " was answered in HTTP/1.1; use HttpVersion.HTTP_1_1 for it", false, e);
        }
        if (e instanceof io.netty.handler.codec.http2.Http2Exception.StreamException) {
            return ExceptionFactory.connection("HTTP/2 stream reset (" + e.error() + "): " + what + " (" + e.getMessage()
                    + ")", true, e);
        }
        return ExceptionFactory.connection("HTTP/2 connection error (" + e.error() + "): " + what + " (" + e.getMessage()
                + ")", true, e);
    }

    static Throwable map(Throwable t, String what) {
        if (t instanceof OpenAiCompatException || t instanceof IllegalArgumentException) {
            return t;
        }
        if (t instanceof ConnectTimeoutException) {
            return ExceptionFactory.timeout("Connect timed out to " + what + ": " + t.getMessage(), t);
        }
        if (t instanceof PoolAcquireTimeoutException) {
            return ExceptionFactory.timeout("No pooled connection became free in time for " + what
                    + " (pendingAcquireTimeout): " + t.getMessage(), t);
        }
        if (t instanceof PoolAcquirePendingLimitException) {
            return ExceptionFactory.connection("Too many calls waiting for a connection for " + what
                    + " (pendingAcquireMaxCount reached): " + t.getMessage(), false, t);
        }
        if (t instanceof TimeoutException || t instanceof io.netty.handler.timeout.TimeoutException) {
            return ExceptionFactory.timeout("Timed out: " + what, t);
        }
        if (t instanceof PrematureCloseException) {
            if (String.valueOf(t.getMessage()).contains("BEFORE response")) {
                // Most often a pooled connection the server had already closed for idling: sending
                // again at once on a fresh one is what Reactor Netty's own retry (off here) would do.
                return ExceptionFactory.staleConnection("Connection closed before any response: " + what
                        + " (" + t.getMessage() + ")", t);
            }
            return ExceptionFactory.connection("Connection closed before the response was complete: " + what
                    + " (" + t.getMessage() + ")", true, t);
        }
        if (t instanceof io.netty.handler.codec.TooLongFrameException) {
            // Headers (or a status line) over Netty's 8 KiB bound: a hostile or broken server.
            return ExceptionFactory.malformed("Response headers too large from " + what + " (" + t.getMessage()
                    + "): the response was refused", null, false, t);
        }
        if (t instanceof UnknownHostException) {
            return ExceptionFactory.connection("Unknown host for " + what + ": " + t.getMessage(), true, t);
        }
        if (t instanceof ConnectException) {
            return ExceptionFactory.connection("Connection refused: " + what + " (" + t.getMessage() + ")", true, t);
        }
        if (t instanceof SSLException) {
            return ExceptionFactory.connection("TLS failure talking to " + what + ": " + t.getMessage(), false, t);
        }
        if (t instanceof ClosedChannelException || t instanceof IOException) {
            return ExceptionFactory.connection("Connection failed: " + what + " (" + t + ")", true, t);
        }
        if (t instanceof io.netty.handler.codec.PrematureChannelClosureException) {
            // The server half-closed or closed its side before the response headers (seen under chaos).
            return ExceptionFactory.connection("Connection closed before the response headers: " + what
                    + " (" + t.getMessage() + ")", true, t);
        }
        if (t instanceof io.netty.handler.codec.DecoderException) {
            return ExceptionFactory.malformed("The response could not be decoded: " + what + " (" + t.getMessage() + ")",
                    null, false, t);
        }
        if (t instanceof io.netty.handler.codec.http2.Http2Exception h2) {
            return http2(h2, what);
        }
        if (t instanceof Exception) {
            // Whatever else the transport throws still reaches the caller typed, never raw.
            return ExceptionFactory.connection("Transport failure: " + what + " (" + t + ")", false, t);
        }
        return t;
    }
}
