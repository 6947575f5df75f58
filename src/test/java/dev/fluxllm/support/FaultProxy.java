package dev.fluxllm.support;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * A TCP proxy on loopback that injects a fault into some connections, chosen from a seed: the
 * server-to-client bytes are reset, cut, half-closed, stalled or trickled after a random number of
 * bytes. Everything it holds it releases: the tests run Netty's leak detector at paranoid.
 */
public final class FaultProxy implements AutoCloseable {

    /** What happens to one connection's response bytes. */
    public enum Fault {
        /** Passed through untouched. */
        NONE,
        /** RST as soon as the response starts. */
        RESET_BEFORE_RESPONSE,
        /** RST after some response bytes. */
        RESET_MID_BODY,
        /** Some response bytes, then a clean close (FIN) in the middle of the body. */
        TRUNCATE,
        /** Some response bytes, then the proxy shuts its output down but keeps the socket. */
        HALF_CLOSE,
        /** Some response bytes, then nothing, the connection left open. */
        STALL,
        /** The response in pieces of 1 to 7 bytes, each its own write. */
        TRICKLE
    }

    private final DisposableServer server;
    private final Random random;
    private final Map<Fault, Integer> weights;
    private final int totalWeight;
    private final Map<Fault, AtomicLong> counts = new EnumMap<>(Fault.class);

    private FaultProxy(int backendPort, long seed, Map<Fault, Integer> weights) {
        this.random = new Random(seed);
        this.weights = new EnumMap<>(weights);
        this.totalWeight = weights.values().stream().mapToInt(Integer::intValue).sum();
        for (Fault f : Fault.values()) {
            counts.put(f, new AtomicLong());
        }
        TcpClient backend = TcpClient.create().host("127.0.0.1").port(backendPort).wiretap(false);
        this.server = TcpServer.create().host("127.0.0.1").port(0)
                .handle((in, out) -> {
                    Fault fault;
                    int after;
                    synchronized (random) {
                        fault = pick();
                        after = 40 + random.nextInt(1500);
                    }
                    counts.get(fault).incrementAndGet();
                    Connection[] client = new Connection[1];
                    in.withConnection(c -> client[0] = c);
                    return backend.connect().flatMap(b -> {
                        // The client left: so does the proxy's side to the backend.
                        client[0].onDispose(b::dispose);
                        Mono<Void> up = b.outbound().send(in.receive().retain()).then()
                                .onErrorResume(e -> Mono.empty());
                        Flux<ByteBuf> down = inject(fault, after, b.inbound().receive().retain(), client[0]);
                        return Mono.when(up, out.send(down, buf -> true).then().onErrorResume(e -> Mono.empty()))
                                .doFinally(s -> b.dispose());
                    }).onErrorResume(e -> Mono.empty());
                })
                .bindNow();
    }

    /** Starts a proxy in front of {@code backendPort}. */
    public static FaultProxy start(int backendPort, long seed, Map<Fault, Integer> weights) {
        return new FaultProxy(backendPort, seed, weights);
    }

    /** Returns the proxy's port. */
    public int port() {
        return server.port();
    }

    /** Returns how many connections got each fault so far. */
    public Map<Fault, Long> counts() {
        Map<Fault, Long> out = new EnumMap<>(Fault.class);
        counts.forEach((f, n) -> out.put(f, n.get()));
        return out;
    }

    private Fault pick() {
        int r = random.nextInt(totalWeight);
        for (Map.Entry<Fault, Integer> e : weights.entrySet()) {
            r -= e.getValue();
            if (r < 0) {
                return e.getKey();
            }
        }
        return Fault.NONE;
    }

    private static Flux<ByteBuf> inject(Fault fault, int after, Flux<ByteBuf> down, Connection client) {
        switch (fault) {
            case NONE:
                return down;
            case TRICKLE:
                return down.concatMap(buf -> {
                    Flux<ByteBuf> pieces = Flux.generate(() -> 0, (at, sink) -> {
                        int n = Math.min(1 + (at % 7), buf.readableBytes() - at);
                        sink.next(buf.retainedSlice(buf.readerIndex() + at, n));
                        if (at + n >= buf.readableBytes()) {
                            sink.complete();
                        }
                        return at + n;
                    });
                    return pieces.doFinally(s -> buf.release());
                }, 1);
            default:
                AtomicLong seen = new AtomicLong();
                int limit = fault == Fault.RESET_BEFORE_RESPONSE ? 0 : after;
                Flux<ByteBuf> faulty = down.<ByteBuf>handle((buf, sink) -> {
                    long before = seen.getAndAdd(buf.readableBytes());
                    if (before >= limit) {
                        buf.release();
                        return;
                    }
                    if (before + buf.readableBytes() <= limit) {
                        sink.next(buf);
                        return;
                    }
                    ByteBuf head = buf.retainedSlice(buf.readerIndex(), (int) (limit - before));
                    buf.release();
                    sink.next(head);
                    // After the head is written: the fault itself.
                    client.channel().eventLoop().schedule(() -> act(fault, client), 20, java.util.concurrent.TimeUnit.MILLISECONDS);
                }).doOnSubscribe(s -> {
                    if (limit == 0) {
                        client.channel().eventLoop().execute(() -> act(fault, client));
                    }
                });
                // A stalled or half-closed connection stays open until the client gives up.
                return fault == Fault.STALL || fault == Fault.HALF_CLOSE ? faulty.concatWith(Flux.never()) : faulty;
        }
    }

    private static void act(Fault fault, Connection client) {
        switch (fault) {
            case RESET_BEFORE_RESPONSE, RESET_MID_BODY -> {
                client.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                client.channel().close();
            }
            case TRUNCATE -> client.channel().close();
            case HALF_CLOSE -> {
                if (client.channel() instanceof SocketChannel s) {
                    s.shutdownOutput();
                } else {
                    client.channel().close();
                }
            }
            default -> {
                // STALL: nothing more is sent; the client's idle timeout ends the call.
            }
        }
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }
}
