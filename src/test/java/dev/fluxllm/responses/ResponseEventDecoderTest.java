package dev.fluxllm.responses;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxllm.MalformedResponseException;
import dev.fluxllm.StreamErrorException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Responses event decoder fed recorded-style streams split at every byte, and its failures. */
class ResponseEventDecoderTest {

    final List<String> warnings = new ArrayList<>();

    ResponseEventDecoder decoder() {
        return new ResponseEventDecoder(1 << 20, "req_1", warnings::add);
    }

    List<ResponseEvent> decodeSplit(String body, int at) {
        byte[] bytes = body.getBytes(UTF_8);
        ResponseEventDecoder d = decoder();
        List<ResponseEvent> events = new ArrayList<>();
        for (byte[] piece : new byte[][]{java.util.Arrays.copyOfRange(bytes, 0, at),
                java.util.Arrays.copyOfRange(bytes, at, bytes.length)}) {
            ByteBuf buf = Unpooled.wrappedBuffer(piece);
            try {
                d.decode(buf, events::add);
            } finally {
                buf.release();
            }
        }
        if (d.failure() != null) {
            throw (RuntimeException) d.failure();
        }
        if (!d.isDone()) {
            d.endOfBody(false);
        }
        return events;
    }

    static Response fold(List<ResponseEvent> events) {
        ResponseFolder folder = new ResponseFolder();
        events.forEach(folder::add);
        assertThat(folder.finished()).isTrue();
        return folder.build();
    }

    @Test
    void textStreamSplitAtEveryByteGivesTheSameEventsAndResponse() {
        String body = ResponseFixtures.sse(ResponseFixtures.textEvents().toArray(String[]::new));
        List<ResponseEvent> whole = decodeSplit(body, 0);
        assertThat(whole).hasSize(11);
        assertThat(whole).extracting(ResponseEvent::type).startsWith("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta");
        assertThat(whole).extracting(ResponseEvent::sequenceNumber).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        for (int at = 1; at < body.getBytes(UTF_8).length; at++) {
            assertThat(decodeSplit(body, at)).as("split at %d", at).isEqualTo(whole);
        }
        Response r = fold(whole);
        assertThat(r.outputText()).isEqualTo("Hello, wörld! ☃");
        assertThat(r.status()).isEqualTo("completed");
        assertThat(r.usage().promptTokens()).isEqualTo(12);
        assertThat(r.usage().cachedTokens()).isEqualTo(4);
        assertThat(r.usage().reasoningTokens()).isEqualTo(2);
        assertThat(warnings).isEmpty();
    }

    @Test
    void toolCallsAssembleByOutputIndexWithTheirCallIds() {
        String body = ResponseFixtures.sse(ResponseFixtures.toolEvents().toArray(String[]::new));
        for (int at = 1; at < body.length(); at += 7) {
            Response r = fold(decodeSplit(body, at));
            assertThat(r.functionCalls()).hasSize(2);
            assertThat(r.functionCalls().get(0).id()).isEqualTo("call_a");
            assertThat(r.functionCalls().get(0).name()).isEqualTo("get_weather");
            assertThat(r.functionCalls().get(0).arguments()).isEqualTo("{\"city\":\"Paris\"}");
            assertThat(r.functionCalls().get(1).arguments()).isEqualTo("{\"zone\":\"CET\"}");
            assertThat(r.usage().totalTokens()).isEqualTo(12);
        }
    }

    @Test
    void compatibleServerWithoutIndexesOrSequenceNumbersWorksByItemId() {
        String body = ResponseFixtures.dataOnly(ResponseFixtures.minimalEvents().toArray(String[]::new));
        List<ResponseEvent> events = decodeSplit(body, 17);
        assertThat(events).allSatisfy(e -> assertThat(e.sequenceNumber()).isEqualTo(-1));
        Response r = fold(events);
        assertThat(r.outputText()).isEqualTo("Hi there");
        assertThat(r.id()).isEqualTo("resp_l");
        assertThat(r.usage()).isNull();
    }

    @Test
    void reasoningSummaryIsAssembled() {
        Response r = fold(decodeSplit(ResponseFixtures.sse(ResponseFixtures.reasoningEvents().toArray(String[]::new)), 5));
        assertThat(r.reasoningSummary()).containsExactly("Think first.");
        assertThat(r.outputText()).isEqualTo("42");
        assertThat(r.output()).extracting(OutputItem::type).containsExactly("reasoning", "message");
    }

    @Test
    void doneAfterTheTerminalEventIsAccepted() {
        String body = ResponseFixtures.sse(ResponseFixtures.textEvents().toArray(String[]::new)) + "data: [DONE]\n\n";
        assertThat(decodeSplit(body, body.length() - 3)).hasSize(11);
    }

    @Test
    void unknownEventTypesPassThroughWithTheirJson() {
        List<String> e = new ArrayList<>(ResponseFixtures.textEvents());
        e.add(2, "{\"type\":\"response.web_search_call.searching\",\"sequence_number\":100,\"item_id\":\"ws_1\"}");
        List<String> renumbered = new ArrayList<>();
        for (int i = 0; i < e.size(); i++) {
            renumbered.add(e.get(i).replaceFirst("\"sequence_number\":\\d+", "\"sequence_number\":" + i));
        }
        List<ResponseEvent> events = decodeSplit(ResponseFixtures.sse(renumbered.toArray(String[]::new)), 0);
        assertThat(events.get(2)).isInstanceOfSatisfying(ResponseEvent.Unknown.class, u -> {
            assertThat(u.type()).isEqualTo("response.web_search_call.searching");
            assertThat(u.raw().path("item_id").asString()).isEqualTo("ws_1");
        });
        assertThat(fold(events).outputText()).isEqualTo("Hello, wörld! ☃");
    }

    @Test
    void eventsOutOfSequenceOrderFail() {
        List<String> e = new ArrayList<>(ResponseFixtures.textEvents());
        e.set(5, e.get(5).replace("\"sequence_number\":5", "\"sequence_number\":3"));
        assertThatThrownBy(() -> decodeSplit(ResponseFixtures.sse(e.toArray(String[]::new)), 0))
                .isInstanceOf(MalformedResponseException.class).hasMessageContaining("out of order");
    }

    @Test
    void aDeltaForAnUnknownItemFailsAssembly() {
        List<ResponseEvent> events = decodeSplit(ResponseFixtures.sse(
                ResponseFixtures.textEvents().get(0), ResponseFixtures.delta(1, "x"),
                "{\"type\":\"response.completed\",\"sequence_number\":2,\"response\":{\"status\":\"completed\",\"output\":[]}}"), 0);
        ResponseFolder folder = new ResponseFolder();
        assertThatThrownBy(() -> events.forEach(folder::add))
                .isInstanceOf(MalformedResponseException.class).hasMessageContaining("unknown item");
    }

    @Test
    void failedResponseEndsWithStreamErrorCarryingCodeAndMessage() {
        String body = ResponseFixtures.sse(ResponseFixtures.textEvents().get(0),
                "{\"type\":\"response.failed\",\"sequence_number\":1,\"response\":{\"id\":\"resp_1\",\"status\":\"failed\","
                        + "\"error\":{\"code\":\"server_error\",\"message\":\"The model crashed\"},\"output\":[]}}");
        assertThatThrownBy(() -> decodeSplit(body, 0))
                .isInstanceOfSatisfying(StreamErrorException.class, e -> {
                    assertThat(e.getMessage()).contains("The model crashed");
                    assertThat(e.errorCode()).isEqualTo("server_error");
                });
    }

    @Test
    void errorEventEndsWithStreamError() {
        String body = ResponseFixtures.sse(ResponseFixtures.textEvents().get(0),
                "{\"type\":\"error\",\"sequence_number\":1,\"code\":\"rate_limit_exceeded\",\"message\":\"Slow down\",\"param\":null}");
        assertThatThrownBy(() -> decodeSplit(body, 0))
                .isInstanceOfSatisfying(StreamErrorException.class, e -> {
                    assertThat(e.getMessage()).contains("Slow down");
                    assertThat(e.errorCode()).isEqualTo("rate_limit_exceeded");
                });
    }

    @Test
    void bodyEndingBeforeATerminalEventIsCutOff() {
        List<String> e = ResponseFixtures.textEvents();
        String body = ResponseFixtures.sse(e.subList(0, 6).toArray(String[]::new));
        assertThatThrownBy(() -> decodeSplit(body, 0))
                .isInstanceOf(MalformedResponseException.class).hasMessageContaining("before any terminal event");
    }

    @Test
    void doneBeforeATerminalEventIsCutOff() {
        String body = ResponseFixtures.sse(ResponseFixtures.textEvents().subList(0, 5).toArray(String[]::new)) + "data: [DONE]\n\n";
        assertThatThrownBy(() -> decodeSplit(body, 0))
                .isInstanceOf(MalformedResponseException.class).hasMessageContaining("[DONE] before any terminal event");
    }

    @Test
    void aDoneValueThatDiffersFromItsDeltasIsReportedAndWins() {
        List<String> e = new ArrayList<>(ResponseFixtures.textEvents());
        e.set(7, e.get(7).replace("\"text\":\"Hello, wörld! ☃\"", "\"text\":\"Hello, world!\""));
        e.remove(9);
        e.remove(8);
        List<String> renumbered = new ArrayList<>();
        for (int i = 0; i < e.size(); i++) {
            renumbered.add(e.get(i).replaceFirst("\"sequence_number\":\\d+", "\"sequence_number\":" + i));
        }
        renumbered.set(renumbered.size() - 1, "{\"type\":\"response.completed\",\"sequence_number\":" + (renumbered.size() - 1)
                + ",\"response\":{\"id\":\"resp_1\",\"status\":\"completed\",\"output\":[]}}");
        Response r = fold(decodeSplit(ResponseFixtures.sse(renumbered.toArray(String[]::new)), 0));
        assertThat(r.outputText()).isEqualTo("Hello, world!");
        assertThat(warnings).singleElement().asString().contains("response.output_text.done").contains("done value is taken");
    }

    @Test
    void argumentsSentAsAnObjectAreSerialized() {
        String body = ResponseFixtures.sse(ResponseFixtures.textEvents().get(0),
                "{\"type\":\"response.output_item.added\",\"sequence_number\":1,\"output_index\":0,\"item\":{\"type\":\"function_call\","
                        + "\"id\":\"fc_1\",\"call_id\":\"c1\",\"name\":\"f\",\"arguments\":\"\"}}",
                "{\"type\":\"response.function_call_arguments.done\",\"sequence_number\":2,\"item_id\":\"fc_1\",\"output_index\":0,"
                        + "\"arguments\":{\"a\":1}}",
                "{\"type\":\"response.completed\",\"sequence_number\":3,\"response\":{\"status\":\"completed\",\"output\":[]}}");
        assertThat(fold(decodeSplit(body, 0)).functionCalls().get(0).arguments()).isEqualTo("{\"a\":1}");
    }
}
