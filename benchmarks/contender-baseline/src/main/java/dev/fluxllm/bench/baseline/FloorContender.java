package dev.fluxllm.bench.baseline;

import dev.fluxllm.bench.core.Answer;
import dev.fluxllm.bench.core.Contender;
import dev.fluxllm.bench.core.Scenario;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * The floor: Reactor Netty sends a prebuilt request and counts the response bytes, parsing
 * nothing. No client can do less; it is checked on the byte count only.
 */
public final class FloorContender implements Contender {

    private static final byte[] STREAM_REQUEST = ("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"Say something.\"}],\"stream\":true}").getBytes(StandardCharsets.UTF_8);
    private static final byte[] REQUEST = ("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"Say something.\"}]}").getBytes(StandardCharsets.UTF_8);

    private static final byte[] RESPONSES_REQUEST = ("{\"model\":\"gpt-4.1\",\"input\":\"Say something.\","
        + "\"stream\":true}").getBytes(StandardCharsets.UTF_8);

    private HttpClient http;
    private Scenario scenario;

    @Override
    public void open(String baseUrl) {
        open(baseUrl, Scenario.parse("text-1"));
    }

    @Override
    public void open(String baseUrl, Scenario scenario) {
        this.scenario = scenario;
        http = Transport.client(baseUrl, scenario.http2());
    }

    @Override
    public String unsupported(Scenario scenario) {
        return null;
    }

    @Override
    public CompletionStage<Answer> stream() {
        return call(scenario.responses() ? RESPONSES_REQUEST : STREAM_REQUEST);
    }

    @Override
    public CompletionStage<Answer> generate() {
        return call(REQUEST);
    }

    private CompletionStage<Answer> call(byte[] request) {
        return http.post().uri(scenario.api().path())
            .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(request)))
            .response((res, body) -> {
                if (res.status().code() != 200) {
                    return Mono.error(new IllegalStateException("HTTP " + res.status()));
                }
                return body.reduce(0L, (n, buf) -> n + ((ByteBuf) buf).readableBytes());
            })
            .single()
            .map(Answer::bytesOnly)
            .toFuture();
    }
}
