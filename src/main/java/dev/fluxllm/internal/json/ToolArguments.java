package dev.fluxllm.internal.json;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.type.TypeReference;

/** Checks and parses tool-call argument text: blank, or exactly one JSON object. */
public final class ToolArguments {

    private static final int SNIPPET = 200;
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private ToolArguments() {
    }

    /** Returns whether the text is blank (a call without arguments) or one JSON object. */
    public static boolean isValid(String text) {
        return text.isBlank() || isJsonObject(text);
    }

    /** Returns whether the text is exactly one JSON object, with nothing after it. */
    public static boolean isJsonObject(String text) {
        try (JsonParser p = Json.MAPPER.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (JacksonException e) {
            return false;
        }
    }

    /** Parses valid arguments into an ordered map; blank text gives an empty map. */
    public static Map<String, Object> parse(String text) {
        if (text.isBlank()) {
            return Map.of();
        }
        return Collections.unmodifiableMap(Json.MAPPER.readValue(text, MAP));
    }

    /** Returns the text cut to a readable length for an error message. */
    public static String snippet(String text) {
        return text.length() <= SNIPPET ? text : text.substring(0, SNIPPET) + "...(" + text.length() + " chars)";
    }
}
