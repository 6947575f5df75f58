package dev.fluxllm.bench.jmh;

import dev.fluxllm.ChatChunk;
import dev.fluxllm.ChunkChoice;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The typed answers the structured-output benchmarks parse: a 2 KB order and a 500-element list. */
final class StructuredData {

    enum Status { OPEN, PAID, SHIPPED }

    record Address(String street, String city, String postcode, String country) {
    }

    record Item(String sku, String name, int quantity, BigDecimal unitPrice, Optional<String> note) {
    }

    record Order(String id, String customer, LocalDate placed, Status status, Address shipping, List<Item> items,
                 Optional<String> comment) {
    }

    /** The wrapper a list answer is asked for: {@code {"items": [...]}}. */
    record ItemList(List<Item> items) {
    }

    private StructuredData() {
    }

    static String item(int i) {
        return "{\"sku\":\"SKU-" + (10000 + i) + "\",\"name\":\"Widget \\\"" + i + "\\\" – grade " + (char) ('A' + i % 5)
                + "\",\"quantity\":" + (1 + i % 9) + ",\"unitPrice\":" + (i % 50) + "." + (10 + i % 89)
                + ",\"note\":" + (i % 3 == 0 ? "null" : "\"handle with care " + i + "\"") + "}";
    }

    /** An order of about 2 KB. */
    static String order() {
        StringBuilder b = new StringBuilder("{\"id\":\"ORD-2024-000173\",\"customer\":\"Ada Lovelace\",\"placed\":\"2024-05-01\","
                + "\"status\":\"PAID\",\"shipping\":{\"street\":\"12 Analytical Way\",\"city\":\"London\","
                + "\"postcode\":\"NW1 6XE\",\"country\":\"GB\"},\"items\":[");
        for (int i = 0; i < 16; i++) {
            b.append(i == 0 ? "" : ",").append(item(i));
        }
        return b.append("],\"comment\":\"Deliver before noon, ring twice.\"}").toString();
    }

    /** A list answer of {@code n} items. */
    static String itemList(int n) {
        StringBuilder b = new StringBuilder("{\"items\":[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append(item(i));
        }
        return b.append("]}").toString();
    }

    /** Splits an answer into content deltas of 4 characters, about a token each, then a finish chunk. */
    static List<ChatChunk> deltas(String answer) {
        List<ChatChunk> chunks = new ArrayList<>(answer.length() / 4 + 2);
        for (int i = 0; i < answer.length(); i += 4) {
            chunks.add(chunk(answer.substring(i, Math.min(answer.length(), i + 4)), null));
        }
        chunks.add(chunk("", "stop"));
        return chunks;
    }

    static ChatChunk chunk(String text, String finish) {
        return new ChatChunk("chatcmpl-1", "m", 0, List.of(new ChunkChoice(0, null, text, "", List.of(), finish)), null);
    }
}
