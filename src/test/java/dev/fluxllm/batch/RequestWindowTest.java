package dev.fluxllm.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The sliding 60 s window of request starts, including when its ring grows past the first capacity. */
class RequestWindowTest {

    @Test
    void theLimitPlusFirstStartWaitsForTheOldestToBeSixtySecondsOld() {
        RequestWindow w = new RequestWindow(3);
        for (long t = 0; t < 3; t++) {
            assertThat(w.allowedAt(t)).isEqualTo(t);
            w.record(t);
        }
        assertThat(w.allowedAt(10)).isEqualTo(60_000);
        w.record(60_000);
        assertThat(w.allowedAt(60_000)).isEqualTo(60_001);
    }

    @Test
    void aGrownRingKeepsTheOldestStartFirst() {
        RequestWindow w = new RequestWindow(300); // starts at 256 slots, grows to 300
        for (long t = 0; t < 300; t++) {
            assertThat(w.allowedAt(t)).isEqualTo(t);
            w.record(t);
        }
        assertThat(w.allowedAt(1_000)).isEqualTo(60_000);
        w.record(60_000);
        assertThat(w.allowedAt(60_000)).isEqualTo(60_001);
        for (long t = 1; t < 300; t++) {
            w.record(60_000 + t);
        }
        // the ring has wrapped fully: the oldest is now the first start after the growth
        assertThat(w.allowedAt(60_300)).isEqualTo(120_000);
    }

    @Test
    void aHugeLimitAllocatesOnlyWhatItUses() {
        long before = usedHeap();
        RequestWindow w = new RequestWindow(Integer.MAX_VALUE - 8);
        for (long t = 0; t < 1_000; t++) {
            w.record(t);
        }
        assertThat(w.allowedAt(1_000)).isEqualTo(1_000);
        // a ring sized to the limit would be 16 GiB; this one holds 1,000 starts
        assertThat(usedHeap() - before).isLessThan(64L * 1024 * 1024);
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThatThrownBy(() -> new RequestWindow(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit");
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
