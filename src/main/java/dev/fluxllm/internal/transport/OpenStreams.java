package dev.fluxllm.internal.transport;

import io.netty.channel.Channel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The HTTP/2 stream channels open now: each is one call's exchange, gone when its stream closes or resets. */
final class OpenStreams {

    private final Set<Channel> open = ConcurrentHashMap.newKeySet();

    void track(Channel stream) {
        if (open.add(stream)) {
            stream.closeFuture().addListener(f -> open.remove(stream));
        }
    }

    int size() {
        return open.size();
    }
}
