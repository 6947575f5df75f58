package dev.fluxllm.internal.transport;

import java.time.Duration;
import java.util.Map;

/**
 * Holds everything the transport needs, already validated by the client's builder.
 *
 * @param baseUrl                the base URL without a trailing slash, path prefix kept
 * @param headers                headers sent on every call (authorization included; never logged)
 * @param connectTimeout         longest TCP/TLS connect
 * @param responseTimeout        longest wait from sending until the response headers; null for none
 * @param idleTimeout            longest gap between data events (and from headers to the first); null for none
 * @param maxResponseBytes       largest aggregated (non-streaming) body
 * @param poolName               the connection pool's name
 * @param maxConnections         most connections open at once
 * @param pendingAcquireMaxCount most calls waiting for a connection; more fail at once
 * @param pendingAcquireTimeout  longest wait for a connection
 * @param compress               whether to ask for gzip and decode it
 * @param tls                    TLS settings for https, null for the JDK defaults
 * @param http2                  whether to speak HTTP/2 (ALPN over TLS, prior-knowledge h2c in the clear)
 */
public record TransportConfig(String baseUrl, Map<String, String> headers, Duration connectTimeout,
                              Duration responseTimeout, Duration idleTimeout, int maxResponseBytes,
                              String poolName, int maxConnections, int pendingAcquireMaxCount,
                              Duration pendingAcquireTimeout, boolean compress, TlsSettings tls,
                              boolean http2) {

    /** Shows header names only: values carry the API key. */
    @Override
    public String toString() {
        return "TransportConfig[baseUrl=" + baseUrl + ", headers=" + headers.keySet() + ", connectTimeout="
                + connectTimeout + ", responseTimeout=" + responseTimeout + ", idleTimeout=" + idleTimeout + ", http2=" + http2 + "]";
    }
}
