package dev.fluxllm.internal.transport;

import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;

/** Keeps the pool's per-remote-address gauges so the client can say how many connections are in use. */
final class PoolStats implements ConnectionProvider.MeterRegistrar {

    private final Map<String, ConnectionPoolMetrics> pools = new ConcurrentHashMap<>();

    @Override
    public void registerMetrics(String poolName, String id, SocketAddress remoteAddress, ConnectionPoolMetrics metrics) {
        pools.put(id, metrics);
    }

    @Override
    public void deRegisterMetrics(String poolName, String id, SocketAddress remoteAddress) {
        pools.remove(id);
    }

    int acquired() {
        int n = 0;
        for (ConnectionPoolMetrics m : pools.values()) {
            n += m.acquiredSize();
        }
        return n;
    }
}
