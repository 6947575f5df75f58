package dev.fluxllm.mcp;

import dev.fluxllm.internal.json.Json;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;

/** Turns a {@code tools/call} result into the text the model gets, within a size bound. */
final class McpResults {

    private McpResults() {
    }

    static String text(McpSchema.CallToolResult result, int maxChars) {
        List<String> parts = new ArrayList<>();
        if (result.structuredContent() != null) {
            parts.add(Json.MAPPER.writeValueAsString(result.structuredContent()));
        } else if (result.content() != null) {
            for (McpSchema.Content c : result.content()) {
                parts.add(describe(c));
            }
        }
        String text = String.join("\n", parts);
        String bounded = cap(text, maxChars);
        return Boolean.TRUE.equals(result.isError()) ? "Error: " + bounded : bounded;
    }

    private static String describe(McpSchema.Content c) {
        if (c instanceof McpSchema.TextContent t) {
            return t.text();
        }
        if (c instanceof McpSchema.ImageContent i) {
            return "[image: " + i.mimeType() + ", " + approxBytes(i.data()) + " bytes]";
        }
        if (c instanceof McpSchema.AudioContent a) {
            return "[audio: " + a.mimeType() + ", " + approxBytes(a.data()) + " bytes]";
        }
        if (c instanceof McpSchema.EmbeddedResource r) {
            McpSchema.ResourceContents contents = r.resource();
            if (contents instanceof McpSchema.TextResourceContents text) {
                return "[resource " + text.uri() + "]\n" + text.text();
            }
            return "[resource " + contents.uri() + " (" + contents.mimeType() + ")]";
        }
        if (c instanceof McpSchema.ResourceLink l) {
            return "[resource link " + l.uri() + (l.mimeType() == null ? "" : " (" + l.mimeType() + ")") + "]";
        }
        return "[" + c.getClass().getSimpleName() + "]";
    }

    private static long approxBytes(String base64) {
        return base64 == null ? 0 : base64.length() * 3L / 4;
    }

    /** Cuts text to {@code max} characters, saying how much was cut: the model must know it saw a part. */
    static String cap(String text, int max) {
        if (text == null) {
            return null;
        }
        if (text.length() <= max) {
            return text;
        }
        String note = " [... " + (text.length() - max) + " more characters cut]";
        return text.substring(0, Math.max(0, max - note.length())) + note;
    }
}
