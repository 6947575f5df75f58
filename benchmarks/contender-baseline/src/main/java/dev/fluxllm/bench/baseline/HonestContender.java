package dev.fluxllm.bench.baseline;

import dev.fluxllm.bench.core.Answer;
import dev.fluxllm.bench.core.Contender;
import dev.fluxllm.bench.core.Scenario;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.CompletionStage;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * "Minimum honest work": Reactor Netty, the request serialized by Jackson, SSE split into lines,
 * every event parsed into a Jackson tree, content and tool calls assembled. The yardstick the
 * library is held to (at most 1.2x its CPU, at most its allocation).
 */
public final class HonestContender implements Contender {

    private final ObjectMapper mapper = JsonMapper.builder().build();
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
        if (scenario.responses()) {
            return responses();
        }
        return http.post().uri("/chat/completions")
            .send(Mono.fromSupplier(() -> request(true)))
            .response((res, body) -> {
                if (res.status().code() != 200) {
                    return Mono.error(new IllegalStateException("HTTP " + res.status()));
                }
                ChunkAssembler assembler = new ChunkAssembler(mapper);
                SseLines lines = new SseLines(assembler);
                return body.doOnNext(b -> lines.feed((ByteBuf) b)).then(Mono.fromCallable(assembler::answer));
            })
            .single()
            .toFuture();
    }

    /** The Responses API: the same line split, a tree per event, deltas by type and item. */
    private CompletionStage<Answer> responses() {
        return http.post().uri("/responses")
            .send(Mono.fromSupplier(this::responsesRequest))
            .response((res, body) -> {
                if (res.status().code() != 200) {
                    return Mono.error(new IllegalStateException("HTTP " + res.status()));
                }
                ResponseEventAssembler assembler = new ResponseEventAssembler(mapper);
                SseLines lines = new SseLines(assembler);
                return body.doOnNext(b -> lines.feed((ByteBuf) b)).then(Mono.fromCallable(assembler::answer));
            })
            .single()
            .toFuture();
    }

    private ByteBuf responsesRequest() {
        ObjectNode req = mapper.createObjectNode();
        req.put("model", "gpt-4.1");
        req.put("input", "Say something.");
        req.put("stream", true);
        return Unpooled.wrappedBuffer(mapper.writeValueAsBytes(req));
    }

    @Override
    public CompletionStage<Answer> generate() {
        return http.post().uri("/chat/completions")
            .send(Mono.fromSupplier(() -> request(false)))
            .responseSingle((res, body) -> {
                if (res.status().code() != 200) {
                    return Mono.error(new IllegalStateException("HTTP " + res.status()));
                }
                return body.asByteArray();
            })
            .map(bytes -> {
                JsonNode content = mapper.readTree(bytes).path("choices").path(0).path("message").path("content");
                return Answer.of(content.isString() ? content.stringValue() : "", null);
            })
            .toFuture();
    }

    private ByteBuf request(boolean stream) {
        ObjectNode req = mapper.createObjectNode();
        req.put("model", "gpt-4o");
        req.putArray("messages").addObject().put("role", "user").put("content", "Say something.");
        if (stream) {
            req.put("stream", true);
        }
        return Unpooled.wrappedBuffer(mapper.writeValueAsBytes(req));
    }
}
