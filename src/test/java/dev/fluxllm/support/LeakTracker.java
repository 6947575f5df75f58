package dev.fluxllm.support;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Makes Netty's leak detector record every leak it reports, so a test can fail on one instead of
 * a log line nobody reads.
 */
public final class LeakTracker {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    private LeakTracker() {
    }

    static void install() {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new Factory());
    }

    /** Collects garbage, lets the detector poll its queue, and returns the leaks reported so far. */
    public static List<String> collect() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            System.runFinalization();
            // The detector reports leaks only when it tracks a new buffer.
            for (int j = 0; j < 64; j++) {
                ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(8);
                buf.release();
            }
        }
        return List.copyOf(LEAKS);
    }

    /**
     * Forgets the reported leaks that match, and returns them: for a test that leaks on purpose
     * to prove the tracker works, without failing its class.
     */
    public static List<String> forget(java.util.function.Predicate<String> which) {
        List<String> matched = LEAKS.stream().filter(which).toList();
        LEAKS.removeAll(matched);
        return matched;
    }

    /** Forgets the leaks reported so far. */
    public static void reset() {
        LEAKS.clear();
    }

    private static final class Factory extends ResourceLeakDetectorFactory {
        @Override
        @SuppressWarnings("deprecation")
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
            return new ResourceLeakDetector<>(resource, samplingInterval, maxActive) {
                @Override
                protected void reportTracedLeak(String resourceType, String records) {
                    LEAKS.add(resourceType + records);
                    super.reportTracedLeak(resourceType, records);
                }

                @Override
                protected void reportUntracedLeak(String resourceType) {
                    LEAKS.add(resourceType + " (untraced)");
                    super.reportUntracedLeak(resourceType);
                }
            };
        }
    }
}
