package dev.fluxllm.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunningCallsTest {

    static final class Entry implements RunningCalls.Slotted {
        final int id;
        int slot = -1;

        Entry(int id) {
            this.id = id;
        }

        @Override
        public int slot() {
            return slot;
        }

        @Override
        public void slot(int slot) {
            this.slot = slot;
        }
    }

    @Test
    void removeTakesOutOnlyWhatIsThereAndKeepsTheRest() {
        RunningCalls<Entry> running = new RunningCalls<>();
        List<Entry> entries = new ArrayList<>();
        // More than the initial 16 slots: the array grows.
        for (int i = 0; i < 40; i++) {
            Entry e = new Entry(i);
            entries.add(e);
            running.add(e);
        }
        assertThat(running.size()).isEqualTo(40);
        for (int i = 0; i < 40; i += 2) {
            assertThat(running.remove(entries.get(i))).isTrue();
        }
        assertThat(running.remove(entries.get(0))).as("already removed").isFalse();
        assertThat(running.remove(new Entry(99))).as("never added").isFalse();
        assertThat(running.size()).isEqualTo(20);

        List<Integer> cleared = new ArrayList<>();
        running.clear(e -> cleared.add(e.id));
        assertThat(cleared).containsExactlyInAnyOrder(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31, 33,
                35, 37, 39);
        assertThat(running.isEmpty()).isTrue();
        assertThat(entries).allSatisfy(e -> assertThat(e.slot).isEqualTo(-1));
        assertThat(running.remove(entries.get(1))).isFalse();
    }
}
