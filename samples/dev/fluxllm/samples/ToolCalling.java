package dev.fluxllm.samples;

import dev.fluxllm.ChatMessage;
import dev.fluxllm.ChatRequest;
import dev.fluxllm.ChatResponse;
import dev.fluxllm.ChatStreams;
import dev.fluxllm.Tool;
import dev.fluxllm.ToolCall;
import dev.fluxllm.testkit.RecordedRequest;
import dev.fluxllm.testkit.Reply;
import dev.fluxllm.testkit.ScriptedLlmServer;
import java.io.PrintStream;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs a tool loop: the model asks for tool calls, the program runs them and sends the results
 * back, until the model answers in text. A call whose arguments are not valid JSON is never run:
 * the model is told what was wrong and asked again.
 * <pre>
 * mvn -q test-compile exec:java -Dsample=ToolCalling
 * </pre>
 */
public final class ToolCalling {

    static final String QUESTION = "What's the weather in Paris right now, and what time is it there?";

    static final Tool GET_WEATHER = Tool.function("get_weather", "Current weather in a city", """
            {"type": "object",
             "properties": {"city": {"type": "string", "description": "City name, e.g. Paris"}},
             "required": ["city"]}""");

    static final Tool GET_TIME = Tool.function("get_time", "Current local time in an IANA time zone", """
            {"type": "object",
             "properties": {"timezone": {"type": "string", "description": "IANA zone, e.g. Europe/Paris"}},
             "required": ["timezone"]}""");

    /** A model that keeps calling tools must not keep the program running. */
    private static final int MAX_TURNS = 6;

    /** Longest wait for one turn; the client's idle timeout (30 s) bounds each silence anyway. */
    private static final Duration TURN_LIMIT = Duration.ofMinutes(2);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ToolCalling() {
    }

    public static void main(String[] args) {
        System.exit(SampleEnvironment.runMain(ToolCalling::script, ToolCalling::run));
    }

    /**
     * Plays the model when no real server is configured, one reply per turn: a call with broken
     * JSON (the closing brace is missing), then the corrected call plus a second one, then an
     * answer written from the tool results it received.
     */
    static void script(ScriptedLlmServer server) {
        server.enqueue(Reply.toolCall("get_weather", "{\"city\": \"Paris\""));
        server.enqueue(Reply.toolCall("get_weather", "{\"city\": \"Paris\"}")
                .andToolCall("get_time", "{\"timezone\": \"Europe/Paris\"}"));
        server.enqueue(Reply.from(ToolCalling::answerFromToolResults));
    }

    static void run(SampleEnvironment env, PrintStream out) {
        List<ChatMessage> conversation = new ArrayList<>();
        conversation.add(ChatMessage.system("Use the tools to answer. Be brief."));
        conversation.add(ChatMessage.user(QUESTION));
        out.println("user: " + QUESTION);

        for (int turn = 1; turn <= MAX_TURNS; turn++) {
            ChatRequest request = ChatRequest.builder()
                    .messages(conversation)
                    .tool(GET_WEATHER)
                    .tool(GET_TIME)
                    .build();
            // Tool-call arguments arrive in fragments; assemble() joins them into whole calls.
            // A service would chain the turns with flatMap/expand; a loop with block() reads easier.
            ChatResponse response = env.client().stream(request).as(ChatStreams::assemble).block(TURN_LIMIT);
            conversation.add(ChatMessage.assistant(response)); // the calls go back with their results

            if (response.toolCalls().isEmpty()) {
                out.println("-- turn " + turn + ": final answer (finish reason: " + response.finishReason() + ")");
                out.println("assistant: " + response.text());
                return;
            }
            out.println("-- turn " + turn + ": the model asks for " + response.toolCalls().size()
                    + " tool call(s) (finish reason: " + response.finishReason() + ")");
            for (ToolCall call : response.toolCalls()) {
                conversation.add(ChatMessage.toolResult(call.id(), answer(call, response, out)));
            }
        }
        throw new IllegalStateException("no final answer after " + MAX_TURNS + " turns");
    }

    /** Runs one call, or explains why it was not run; returns the tool message's text. */
    private static String answer(ToolCall call, ChatResponse response, PrintStream out) {
        out.println("   " + call.name() + " " + call.arguments());
        String result;
        if (!call.argumentsValid()) {
            // Never guess what a broken call meant: tell the model and let it send the call again.
            result = "Error: the arguments of " + call.name() + " are not a valid JSON object (" + call.arguments()
                    + "). Call " + call.name() + " again with a JSON object that matches its schema.";
            out.println("      NOT RUN: the arguments are not valid JSON");
        } else if (response.hasMalformedToolCalls()) {
            // Calls of one turn may depend on each other: when one is broken, run none of them.
            result = "Not run, because another call of this turn had invalid arguments. Send it again.";
            out.println("      NOT RUN: another call of this turn is malformed");
        } else {
            result = runTool(call);
            out.println("      ran: " + result);
            return result;
        }
        out.println("      told the model: " + result);
        return result;
    }

    /** The tools themselves: plain Java. Failures become messages the model can read. */
    private static String runTool(ToolCall call) {
        Map<String, Object> arguments = call.parsedArguments(); // safe: argumentsValid() was checked
        Map<String, Object> result = new LinkedHashMap<>();
        switch (call.name()) {
            case "get_weather" -> {
                String city = String.valueOf(arguments.get("city"));
                result.put("city", city);
                // A real tool would ask a weather service; canned numbers keep the sample offline.
                result.put("conditions", city.equalsIgnoreCase("London") ? "light rain" : "sunny");
                result.put("temperature_c", city.equalsIgnoreCase("London") ? 14 : 21);
            }
            case "get_time" -> {
                String zone = String.valueOf(arguments.get("timezone"));
                result.put("timezone", zone);
                try {
                    result.put("local_time", ZonedDateTime.now(ZoneId.of(zone)).format(DateTimeFormatter.ofPattern("HH:mm")));
                } catch (DateTimeException e) {
                    result.put("error", "unknown time zone: " + zone);
                }
            }
            default -> result.put("error", "no such tool: " + call.name());
        }
        return JSON.writeValueAsString(result);
    }

    /** The scripted model's last turn: reads the tool messages of the request and writes the answer from them. */
    private static Reply answerFromToolResults(RecordedRequest request) {
        Map<String, JsonNode> results = new LinkedHashMap<>();
        for (JsonNode message : request.json().path("messages")) {
            String content = message.path("content").asString("");
            // Later results replace earlier ones; error texts (not JSON objects) are skipped.
            if ("tool".equals(message.path("role").asString("")) && content.startsWith("{")) {
                JsonNode result = JSON.readTree(content);
                results.put(result.has("timezone") ? "time" : "weather", result);
            }
        }
        JsonNode weather = results.get("weather");
        JsonNode time = results.get("time");
        if (weather == null || time == null) {
            return Reply.text("I could not get the weather and the time, sorry.");
        }
        return Reply.text("In " + weather.path("city").asString() + " it is " + weather.path("conditions").asString()
                + " and " + weather.path("temperature_c").asInt() + " °C; the local time is "
                + time.path("local_time").asString() + ".");
    }
}
