package dev.fluxllm;

import java.time.Duration;

/**
 * Tells whether a backend answered {@code GET /models}: 200, 401 and 403 count as reachable (the
 * server is up, whatever it thinks of the key).
 *
 * @param backend    the client's (or router backend's) name
 * @param reachable  whether the server answered 200, 401 or 403
 * @param status     the HTTP status, 0 when none arrived
 * @param latency    how long the probe took
 * @param error      why it is not reachable, null when it is
 */
public record BackendHealth(String backend, boolean reachable, int status, Duration latency, String error) {
}
