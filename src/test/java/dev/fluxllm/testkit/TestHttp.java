package dev.fluxllm.testkit;

import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;

/** Talks to the server with plain Reactor Netty, as the FluxLLM client does not exist on this branch. */
final class TestHttp {

    /** No retry: a test that closes or hangs a connection must see exactly one attempt. */
    static final HttpClient CLIENT = HttpClient.create().disableRetry(true);

    record Response(int status, HttpHeaders headers, String body) {
        JsonNode json() {
            return WireJson.MAPPER.readTree(body);
        }
    }

    private TestHttp() {
    }

    static Mono<Response> post(String url, String json) {
        return CLIENT.post().uri(url)
                .send(ByteBufMono.fromString(Mono.just(json)))
                .responseSingle((res, body) -> body.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(text -> new Response(res.status().code(), res.responseHeaders(), text)));
    }

    static Mono<Response> get(String url) {
        return CLIENT.get().uri(url)
                .responseSingle((res, body) -> body.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(text -> new Response(res.status().code(), res.responseHeaders(), text)));
    }

    /** Returns the SSE events of a streamed response, each without its terminating blank line. */
    static Flux<String> events(String url, String json) {
        return splitEvents(CLIENT.post().uri(url)
                .send(ByteBufMono.fromString(Mono.just(json)))
                .responseContent().asString(StandardCharsets.UTF_8));
    }

    /** Returns the {@code data} of each event: the JSON text, or {@code [DONE]}. */
    static Flux<String> data(String url, String json) {
        return events(url, json).filter(e -> e.startsWith("data: ")).map(e -> e.substring("data: ".length()));
    }

    /** Splits text read in arbitrary pieces into events ended by a blank line; per subscription state. */
    static Flux<String> splitEvents(Flux<String> pieces) {
        return Flux.defer(() -> {
            StringBuilder buffer = new StringBuilder();
            return pieces.concatMapIterable(piece -> {
                buffer.append(piece);
                List<String> events = new ArrayList<>();
                int end;
                while ((end = buffer.indexOf("\n\n")) >= 0) {
                    events.add(buffer.substring(0, end));
                    buffer.delete(0, end + 2);
                }
                return events;
            });
        });
    }

    static JsonNode parse(String json) {
        return WireJson.MAPPER.readTree(json);
    }

    static String chatRequest(String userText, boolean stream) {
        return "{\"model\":\"test-model\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":" + WireJson.MAPPER.writeValueAsString(userText) + "}]}";
    }
}
