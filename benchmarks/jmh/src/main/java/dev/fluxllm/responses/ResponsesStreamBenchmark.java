package dev.fluxllm.responses;

import com.openai.core.ObjectMappers;
import com.openai.models.responses.ResponseStreamEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A Responses API stream of 2,000 deltas, text ({@code response.output_text.delta}) or one
 * function call's arguments ({@code response.function_call_arguments.delta}), framed as
 * OpenAI sends them ({@code event:} line, JSON {@code data:} with type and sequence number); per
 * event: FluxLLM's whole decode (SSE framing, sequence and delta checks, typed event records)
 * against openai-java's per-event step (its Jackson 2 mapper reading each {@code data} into
 * {@code ResponseStreamEvent}, handed the data already split out of the SSE framing, so its
 * SSE and OkHttp costs are not counted) and against the floor (finding the event boundaries).
 * In package {@code dev.fluxllm.responses} to reach the package-private decoder; the shaded
 * jar puts both in one class loader.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(ResponsesStreamBenchmark.EVENTS)
public class ResponsesStreamBenchmark {

    static final int DELTAS = 2_000;
    /** About the events per stream (text: 2,007; function call: 2,007), for per-event figures. */
    static final int EVENTS = DELTAS + 7;

    /** A text answer, or one function call whose arguments arrive in 2,000 pieces. */
    @Param({"text", "function_call"})
    public String stream;

    private List<byte[]> reads;
    private List<byte[]> data;

    @Setup
    public void setUp() {
        StringBuilder sse = new StringBuilder();
        List<String> events = stream.equals("text") ? events() : functionCallEvents();
        data = new ArrayList<>();
        for (String e : events) {
            String type = e.substring(e.indexOf("\"type\":\"") + 8, e.indexOf('"', e.indexOf("\"type\":\"") + 8));
            sse.append("event: ").append(type).append('\n').append("data: ").append(e).append("\n\n");
            data.add(e.getBytes(StandardCharsets.UTF_8));
        }
        byte[] body = sse.toString().getBytes(StandardCharsets.UTF_8);
        reads = new ArrayList<>();
        for (int at = 0; at < body.length; at += 4096) {
            byte[] r = new byte[Math.min(4096, body.length - at)];
            System.arraycopy(body, at, r, 0, r.length);
            reads.add(r);
        }
    }

    static List<String> events() {
        List<String> out = new ArrayList<>();
        int seq = 0;
        String resp = "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1741290958,\"status\":\"%s\",\"model\":\"gpt-4.1\",\"output\":%s%s}";
        out.add("{\"type\":\"response.created\",\"sequence_number\":" + seq++ + ",\"response\":" + String.format(resp, "in_progress", "[]", "") + "}");
        out.add("{\"type\":\"response.output_item.added\",\"sequence_number\":" + seq++ + ",\"output_index\":0,\"item\":{\"id\":\"msg_1\",\"type\":\"message\",\"status\":\"in_progress\",\"role\":\"assistant\",\"content\":[]}}");
        out.add("{\"type\":\"response.content_part.added\",\"sequence_number\":" + seq++ + ",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"part\":{\"type\":\"output_text\",\"text\":\"\",\"annotations\":[]}}");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < DELTAS; i++) {
            String delta = "word" + i + " ";
            text.append(delta);
            out.add("{\"type\":\"response.output_text.delta\",\"sequence_number\":" + seq++ + ",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"" + delta + "\",\"logprobs\":[]}");
        }
        String part = "{\"type\":\"output_text\",\"text\":\"" + text + "\",\"annotations\":[]}";
        String item = "{\"id\":\"msg_1\",\"type\":\"message\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[" + part + "]}";
        out.add("{\"type\":\"response.output_text.done\",\"sequence_number\":" + seq++ + ",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"text\":\"" + text + "\",\"logprobs\":[]}");
        out.add("{\"type\":\"response.content_part.done\",\"sequence_number\":" + seq++ + ",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"part\":" + part + "}");
        out.add("{\"type\":\"response.output_item.done\",\"sequence_number\":" + seq++ + ",\"output_index\":0,\"item\":" + item + "}");
        out.add("{\"type\":\"response.completed\",\"sequence_number\":" + seq++ + ",\"response\":" + String.format(resp, "completed", "[" + item + "]",
                ",\"usage\":{\"input_tokens\":12,\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":2000,\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":2012}") + "}");
        return out;
    }

    static List<String> functionCallEvents() {
        List<String> out = new ArrayList<>();
        int seq = 0;
        String resp = "{\"id\":\"resp_2\",\"object\":\"response\",\"created_at\":1741290958,\"status\":\"%s\",\"model\":\"gpt-4.1\",\"output\":%s%s}";
        out.add("{\"type\":\"response.created\",\"sequence_number\":" + seq++ + ",\"response\":" + String.format(resp, "in_progress", "[]", "") + "}");
        out.add("{\"type\":\"response.output_item.added\",\"sequence_number\":" + seq++ + ",\"output_index\":0,\"item\":{\"id\":\"fc_1\",\"type\":\"function_call\",\"status\":\"in_progress\",\"arguments\":\"\",\"call_id\":\"call_1\",\"name\":\"search\"}}");
        StringBuilder args = new StringBuilder("{\\\"terms\\\":[");
        out.add("{\"type\":\"response.function_call_arguments.delta\",\"sequence_number\":" + seq++ + ",\"item_id\":\"fc_1\",\"output_index\":0,\"delta\":\"" + args + "\"}");
        for (int i = 0; i < DELTAS; i++) {
            String delta = (i == 0 ? "" : ",") + "\\\"t" + i + "\\\"";
            args.append(delta);
            out.add("{\"type\":\"response.function_call_arguments.delta\",\"sequence_number\":" + seq++ + ",\"item_id\":\"fc_1\",\"output_index\":0,\"delta\":\"" + delta + "\"}");
        }
        args.append("]}");
        out.add("{\"type\":\"response.function_call_arguments.delta\",\"sequence_number\":" + seq++ + ",\"item_id\":\"fc_1\",\"output_index\":0,\"delta\":\"]}\"}");
        String item = "{\"id\":\"fc_1\",\"type\":\"function_call\",\"status\":\"completed\",\"arguments\":\"" + args + "\",\"call_id\":\"call_1\",\"name\":\"search\"}";
        out.add("{\"type\":\"response.function_call_arguments.done\",\"sequence_number\":" + seq++ + ",\"item_id\":\"fc_1\",\"output_index\":0,\"arguments\":\"" + args + "\"}");
        out.add("{\"type\":\"response.output_item.done\",\"sequence_number\":" + seq++ + ",\"output_index\":0,\"item\":" + item + "}");
        out.add("{\"type\":\"response.completed\",\"sequence_number\":" + seq++ + ",\"response\":" + String.format(resp, "completed", "[" + item + "]",
                ",\"usage\":{\"input_tokens\":12,\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":2000,\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":2012}") + "}");
        return out;
    }

    @Benchmark
    public void fluxllmDecode(Blackhole bh) {
        ResponseEventDecoder decoder = new ResponseEventDecoder(1 << 20, "bench", w -> { });
        for (byte[] r : reads) {
            ByteBuf buf = Unpooled.wrappedBuffer(r);
            decoder.decode(buf, e -> {
                bh.consume(e);
                return true;
            });
        }
        if (decoder.failure() != null) {
            throw new IllegalStateException("the stream did not decode", decoder.failure());
        }
    }

    @Benchmark
    public void openAiJavaParseEvents(Blackhole bh) throws Exception {
        var mapper = ObjectMappers.jsonMapper();
        for (byte[] d : data) {
            bh.consume(mapper.readValue(d, ResponseStreamEvent.class));
        }
    }

    @Benchmark
    public void floorFindEventBoundaries(Blackhole bh) {
        int events = 0;
        for (byte[] r : reads) {
            for (int i = 1; i < r.length; i++) {
                if (r[i] == '\n' && r[i - 1] == '\n') {
                    events++;
                }
            }
        }
        bh.consume(events);
    }
}
