package dev.fluxllm.internal.transport;

import javax.net.ssl.TrustManagerFactory;

/**
 * Holds caller-supplied TLS trust: a trust manager factory, or (for tests against self-signed
 * servers only) trust in any certificate.
 */
public record TlsSettings(TrustManagerFactory trustManagerFactory, boolean insecureTrustAll) {
}
