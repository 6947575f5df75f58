package dev.fluxllm.structured;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.internal.json.Json;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@link ElementTree} builds exactly Jackson's tree, or gives up and leaves the element to Jackson. */
class ElementTreeTest {

    /** Node classes included: an IntNode and a LongNode of the same value are not equal. */
    private static void assertSameAsJackson(String json, boolean mustRead) {
        String padded = "xx" + json + "yy";
        JsonNode built = new ElementTree().read(padded.toCharArray(), 2, 2 + json.length());
        if (mustRead) {
            assertThat(built).as(json).isNotNull();
        }
        if (built != null) {
            assertThat(built).as(json).isEqualTo(Json.MAPPER.readTree(json));
            assertThat(built.toString()).as(json).isEqualTo(Json.MAPPER.readTree(json).toString());
        }
    }

    @Test
    void plainValuesAreReadAsJacksonReadsThem() {
        for (String json : List.of("{}", "[]", "\"\"", "0", "-0", "-0.0", "1.5", "3e1", "2E-3", "1.0e+2", "true",
                "false", "null", "2147483647", "2147483648", "-2147483648", "-2147483649", "999999999999999999",
                "{\"a\":1,\"b\":[1,2.5,\"x\",null,true,{}],\"c\":{\"d\":\"e\"}}", " { \"a\" : [ 1 , 2 ] } ",
                "{\"item\":\"b}]\",\"quantity\":2,\"unitPrice\":2,\"note\":\"[{\\\"\"}",
                "\"tab\\t nl\\n cr\\r bs\\\\ q\\\" sl\\/ b\\b f\\f\"", "\"é ☃ 😀 –\"", "[[[[[]]]]]")) {
            assertSameAsJackson(json, true);
        }
    }

    @Test
    void whatJacksonDecidesIsLeftToJackson() {
        for (String json : List.of("\"\\u00e9\"", "{\"a\":1,\"a\":2}", "1234567890123456789", "1e400", "-1e400",
                "\"" + "x".repeat(20_000) + "\"", "[".repeat(100) + "]".repeat(100), "{\"a\" 1}", "01", "1.", "tru",
                "[1,]", "{\"a\":1}x")) {
            String padded = "xx" + json + "yy";
            assertThat(new ElementTree().read(padded.toCharArray(), 2, 2 + json.length())).as(json).isNull();
        }
    }

    @Test
    void keysKeptFromTheLastElementAreOnlyReusedWhenEqual() {
        ElementTree tree = new ElementTree();
        for (String json : List.of("{\"a\":1,\"b\":2}", "{\"a\":1,\"bc\":2}", "{\"a\\\"\":1,\"b\":2}",
                "{\"a\\\"\":1,\"b\":2}", "{\"a\":{\"b\":1}}", "{\"ab\":1}", "{\"a\":1}")) {
            assertThat(tree.read(json.toCharArray(), 0, json.length())).as(json).isEqualTo(Json.MAPPER.readTree(json));
        }
    }

    @Test
    void randomValuesAreReadAsJacksonReadsThem() {
        Random random = new Random(17);
        ElementTree tree = new ElementTree();
        for (int run = 0; run < 20_000; run++) {
            String json = randomValue(random, 0);
            JsonNode built = tree.read(json.toCharArray(), 0, json.length());
            if (built != null) {
                JsonNode jackson = Json.MAPPER.readTree(json);
                assertThat(built).as(json).isEqualTo(jackson);
                assertThat(built.toString()).as(json).isEqualTo(jackson.toString());
            }
        }
    }

    private static String randomValue(Random r, int depth) {
        int kind = r.nextInt(depth > 4 ? 5 : 7);
        String space = r.nextInt(8) == 0 ? " \n" : "";
        return space + switch (kind) {
            case 0 -> randomString(r);
            case 1 -> randomNumber(r);
            case 2 -> List.of("true", "false", "null").get(r.nextInt(3));
            case 3 -> String.valueOf(r.nextInt());
            case 4 -> String.valueOf(r.nextLong() >> r.nextInt(64));
            case 5 -> {
                StringBuilder b = new StringBuilder("{");
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    b.append(i == 0 ? "" : ",").append(randomString(r)).append(':').append(randomValue(r, depth + 1));
                }
                yield b.append('}').toString();
            }
            default -> {
                StringBuilder b = new StringBuilder("[");
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    b.append(i == 0 ? "" : ",").append(randomValue(r, depth + 1));
                }
                yield b.append(']').toString();
            }
        } + space;
    }

    private static String randomNumber(Random r) {
        String[] forms = {"0", "-0", "7", "-12", "0.5", "-3.25", "1e3", "1E-7", "6.02e23", "-0.0", "123456789012",
                "4.9e-324", "1.7976931348623157e308", "0.1000000000000000055511151231257827"};
        return forms[r.nextInt(forms.length)];
    }

    private static String randomString(Random r) {
        String[] parts = {"a", "key", "é", "☃", "😀", "\\\"", "\\\\", "\\n", "\\t", "\\/", "}", "]", ",", ":", " ",
                "\\u0041", "–"};
        StringBuilder b = new StringBuilder("\"");
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
            b.append(parts[r.nextInt(parts.length)]);
        }
        return b.append('"').toString();
    }
}
