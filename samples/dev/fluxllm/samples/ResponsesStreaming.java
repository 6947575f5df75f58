package dev.fluxllm.samples;

import dev.fluxllm.Tool;
import dev.fluxllm.ToolCall;
import dev.fluxllm.responses.InputItem;
import dev.fluxllm.responses.Response;
import dev.fluxllm.responses.ResponseEvent;
import dev.fluxllm.responses.ResponseRequest;
import dev.fluxllm.responses.ResponseStreams;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams a Responses API answer ({@code POST /responses}) token by token, then a turn with a
 * function call: the call's arguments stream in, the sample runs it, sends a
 * {@code function_call_output} back with the model's own output items, and streams the final answer.
 * <pre>
 * mvn -q test-compile exec:java -Dsample=ResponsesStreaming
 * </pre>
 */
public final class ResponsesStreaming {

    /** The arguments of the weather tool. */
    record WeatherQuery(String city) {
    }

    static final String GREETING = "The Responses API streams typed events: created, deltas, done, completed.";
    static final String ANSWER = "It is 21 °C and sunny in Lisbon.";

    private static final Duration LIMIT = Duration.ofSeconds(90);

    private ResponsesStreaming() {
    }

    public static void main(String[] args) {
        System.exit(SampleEnvironment.runMain(ResponsesStreaming::script, ResponsesStreaming::run));
    }

    static void script(ScriptedLlmServer server) {
        server.enqueue(Reply.text(GREETING).delay(Duration.ofMillis(5)));
        server.enqueue(Reply.toolCall("call_lisbon", "get_weather", "{\"city\":\"Lisbon\"}").chunkSize(4));
        server.enqueue(Reply.text(ANSWER));
    }

    static void run(SampleEnvironment env, PrintStream out) {
        // 1. Text, as it arrives.
        ResponseRequest hello = ResponseRequest.builder().instructions("Answer in one sentence.")
                .input("What does the Responses API stream?").build();
        env.client().stream(hello).as(ResponseStreams::text).doOnNext(out::print).blockLast(LIMIT);
        out.println();

        // 2. A function call: watch its arguments arrive, then assemble the response.
        Tool weather = Tool.from("get_weather", "Current weather for a city", WeatherQuery.class);
        ResponseRequest ask = ResponseRequest.builder().input("What is the weather in Lisbon?").tool(weather).build();
        List<String> argumentDeltas = new ArrayList<>();
        Response first = env.client().stream(ask)
                .doOnNext(e -> {
                    if (e instanceof ResponseEvent.FunctionCallArgumentsDelta d) {
                        argumentDeltas.add(d.delta());
                    }
                })
                .as(ResponseStreams::assemble).block(LIMIT);
        ToolCall call = first.functionCalls().get(0);
        out.println("arguments streamed in " + argumentDeltas.size() + " deltas: " + String.join("|", argumentDeltas));
        WeatherQuery query = call.parsedArguments(WeatherQuery.class);
        out.println("calling " + call.name() + "(" + query.city() + "), call id " + call.id());

        // 3. Send the output back with the model's own items (stateless: no previous_response_id), stream the answer.
        List<InputItem> input = new ArrayList<>();
        input.add(InputItem.user("What is the weather in Lisbon?"));
        first.output().forEach(item -> input.add(InputItem.of(item)));
        input.add(InputItem.functionCallOutput(call.id(), "{\"temperature_c\":21,\"sky\":\"sunny\"}"));
        Response answer = env.client().stream(ask.toBuilder().input(input).build())
                .as(ResponseStreams::assemble).block(LIMIT);
        out.println("answer: " + answer.outputText());
        out.println("status: " + answer.status() + ", usage: " + answer.usage());
    }
}
