package dev.fluxllm.responses;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;

/** One reader per stream keeps one parser fed event after event: it must read as a parser per event does. */
class EventReaderTest {

    static ResponseEvent fresh(String json, String sseType) {
        byte[] b = json.getBytes(UTF_8);
        return new EventReader().read(b, 0, b.length, sseType);
    }

    static ResponseEvent read(EventReader reader, String json) {
        // Framed inside a larger array, as the SSE decoder hands events over.
        byte[] b = ("xx" + json + "yy").getBytes(UTF_8);
        return reader.read(b, 2, b.length - 4, null);
    }

    @Test
    void oneReaderGivesEveryEventOfAStreamAsAFreshReaderDoes() {
        List<String> events = new ArrayList<>(ResponseFixtures.textEvents());
        events.addAll(ResponseFixtures.toolEvents());
        events.addAll(ResponseFixtures.minimalEvents());
        events.addAll(ResponseFixtures.reasoningEvents());
        EventReader reader = new EventReader();
        for (String e : events) {
            assertThat(read(reader, e)).as(e).isEqualTo(fresh(e, null));
        }
    }

    @Test
    void repeatedTypesAndItemIdsAreTheSameStringsAndNewOnesAreRead() {
        EventReader reader = new EventReader();
        String delta = "{\"type\":\"response.output_text.delta\",\"sequence_number\":%d,\"item_id\":\"%s\","
                + "\"output_index\":0,\"content_index\":0,\"delta\":\"w\"}";
        var a = (ResponseEvent.OutputTextDelta) read(reader, delta.formatted(1, "msg_1"));
        var b = (ResponseEvent.OutputTextDelta) read(reader, delta.formatted(2, "msg_1"));
        var c = (ResponseEvent.OutputTextDelta) read(reader, delta.formatted(3, "msg_2"));
        var d = (ResponseEvent.OutputTextDelta) read(reader, delta.formatted(4, "msg_\\u0032"));
        assertThat(b.itemId()).isSameAs(a.itemId()).isEqualTo("msg_1");
        assertThat(c.itemId()).isEqualTo("msg_2");
        assertThat(d.itemId()).isEqualTo("msg_2");
        assertThat(b.type()).isSameAs(a.type());
    }

    @Test
    void aBrokenEventFailsAloneAndTheNextOneReadsCleanly() {
        EventReader reader = new EventReader();
        String ok = "{\"type\":\"response.output_text.delta\",\"sequence_number\":1,\"item_id\":\"m\",\"delta\":\"x\"}";
        assertThatThrownBy(() -> read(reader, "{\"type\":\"response.output_text.delta\",\"delta\":\"cut"))
                .isInstanceOf(JacksonException.class);
        assertThat(read(reader, ok)).isEqualTo(fresh(ok, null));
        assertThatThrownBy(() -> read(reader, "[1,2,3]")).isInstanceOf(EventReader.NotAnEvent.class);
        assertThat(read(reader, ok)).isEqualTo(fresh(ok, null));
        // Text after the object is ignored, as a parser per event ignores it; the next event is unharmed.
        assertThat(read(reader, ok + " {\"type\":\"x\"}")).isEqualTo(fresh(ok, null));
        assertThat(read(reader, ok)).isEqualTo(fresh(ok, null));
        // Too short to feed a parser: read alone, the SSE event name standing in for the type.
        byte[] tiny = "{}".getBytes(UTF_8);
        assertThat(reader.read(tiny, 0, tiny.length, "response.in_progress").type()).isEqualTo("response.in_progress");
        assertThat(read(reader, ok)).isEqualTo(fresh(ok, null));
    }
}
