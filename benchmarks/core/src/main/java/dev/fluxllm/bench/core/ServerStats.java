package dev.fluxllm.bench.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Reads the benchmark server's connection counts from its statistics port (a separate port, so
 * these reads are not counted). A plain socket and HTTP/1.0: no client library, no keep-alive
 * thread that would end during a measured iteration.
 */
final class ServerStats {

    /** Connections accepted since the server started, and the most open at once since the last reset. */
    record Counts(long accepted, long open, long peakOpen) {
    }

    private final String host;
    private final int port;

    ServerStats(String url) {
        URI u = URI.create(url);
        this.host = u.getHost();
        this.port = u.getPort();
    }

    /** Reads the counts; {@code reset} restarts the peak from the connections open now. */
    Counts read(boolean reset) throws IOException {
        try (Socket s = new Socket(host, port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /" + (reset ? "?reset" : "") + " HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            String body = reply.substring(reply.indexOf("\r\n\r\n") + 4).trim();
            long accepted = 0;
            long open = 0;
            long peak = 0;
            for (String kv : body.split(" ")) {
                String[] p = kv.split("=");
                switch (p[0]) {
                    case "accepted" -> accepted = Long.parseLong(p[1]);
                    case "open" -> open = Long.parseLong(p[1]);
                    case "peak" -> peak = Long.parseLong(p[1]);
                    default -> { }
                }
            }
            return new Counts(accepted, open, peak);
        }
    }
}
