package dev.fluxllm.bench.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;

/**
 * A local OpenAI-compatible server for the benchmarks (chat completions and the Responses API),
 * HTTP/1.1 and h2c (HTTP/2 with prior knowledge) on the same port. Prints
 * {@code LISTENING <port> <stats port>} once bound and exits when its standard input closes, so a
 * crashed runner never leaves it behind. The statistics port ({@link StatsHandler}) tells the
 * benchmark port's connection counts.
 *
 * <p>Arguments: {@code [port (0 = any)] [event-loop threads]}.
 */
public final class BenchServer {

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        ScriptCache scripts = new ScriptCache();
        ConnectionCounter counter = new ConnectionCounter();
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        // A separate acceptor thread: event loops busy pacing 10,000 streams must not starve accepts.
        EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, io);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, io);
        Channel server = new ServerBootstrap()
            .group(acceptor, group)
            .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 16384)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(counter, new ProtocolDetector(() -> new CompletionsHandler(scripts)));
                }
            })
            .bind("127.0.0.1", port).sync().channel();
        Channel stats = new ServerBootstrap()
            .group(acceptor, group)
            .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(4096), new StatsHandler(counter));
                }
            })
            .bind("127.0.0.1", 0).sync().channel();
        System.out.println("LISTENING " + ((InetSocketAddress) server.localAddress()).getPort() + " "
            + ((InetSocketAddress) stats.localAddress()).getPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // Wait for the runner to close our stdin.
        }
        server.close().sync();
        stats.close().sync();
        group.shutdownGracefully().sync();
        acceptor.shutdownGracefully().sync();
    }

    private BenchServer() {
    }
}
