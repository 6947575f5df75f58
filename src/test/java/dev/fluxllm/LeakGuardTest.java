package dev.fluxllm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxllm.support.Eventually;
import dev.fluxllm.support.LeakTracker;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Proves the suite's leak guard is live: a leak made on purpose is reported to {@link LeakTracker}
 * (which fails a test class on any leak), then forgotten so that this class still passes.
 */
class LeakGuardTest {

    /** A resource type of its own, so the isolated detector sees nothing but the canary. */
    static final class Canary {
    }

    @Test
    void trackerCatchesADeliberateLeak() {
        Assumptions.assumeTrue(ResourceLeakDetector.getLevel() == ResourceLeakDetector.Level.PARANOID,
                "the suite runs with -Dio.netty.leakDetection.level=paranoid");
        // 1. An isolated detector from the installed factory, for a type nothing else uses.
        ResourceLeakDetector<Canary> detector = ResourceLeakDetectorFactory.instance()
                .newResourceLeakDetector(Canary.class, 1);
        leakCanary(detector);
        // Bounded by time, not by a count of GCs: on a loaded machine the reference handler that
        // enqueues the collected tracker can lag several collections behind.
        List<List<String>> canaries = new ArrayList<>(List.of(List.of()));
        Eventually.await(() -> {
            System.gc();
            Canary probe = new Canary();
            detector.track(probe).close(probe); // the detector reports what it found when it tracks
            canaries.set(0, LeakTracker.forget(s -> s.contains(Canary.class.getSimpleName())));
            return !canaries.get(0).isEmpty();
        }, Duration.ofSeconds(30), "the isolated detector reported the leaked canary");
        // 2. The real thing: a pooled buffer, never released, marked with a hint to find it by.
        String hint = "LeakGuardTest-deliberate-" + System.nanoTime();
        leakBuffer(hint);
        List<List<String>> reported = new ArrayList<>(List.of(List.of()));
        Eventually.await(() -> {
            LeakTracker.collect();
            reported.set(0, LeakTracker.forget(s -> s.contains(hint)));
            return !reported.get(0).isEmpty();
        }, Duration.ofSeconds(30), "ByteBuf leaks reach the tracker that fails test classes");
        assertThat(reported.get(0).get(0)).contains("ByteBuf");
    }

    private static void leakCanary(ResourceLeakDetector<Canary> detector) {
        Canary canary = new Canary();
        ResourceLeakTracker<Canary> tracker = detector.track(canary);
        assertThat(tracker).isNotNull();
        // neither closed nor kept: the canary becomes garbage with its tracker open
    }

    private static void leakBuffer(String hint) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        buf.writeInt(42);
        buf.touch(hint);
        // never released
    }
}
