package dev.fluxllm.bench.core;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Measures this JVM around one iteration: process CPU time (all threads, JIT and GC included),
 * bytes allocated by all threads, peak live threads and heap.
 *
 * <p>JDK 17 has no total-allocation counter, so allocation is summed per thread; a sampler
 * remembers each thread's last count so threads that die during the iteration (OkHttp and JDK
 * HttpClient pools retire idle ones) are still counted. The sampler excludes itself.
 */
public final class ResourceMeter implements AutoCloseable {

    public record Sample(long wallNanos, long cpuNanos, long allocatedBytes, int peakThreads,
                         long peakHeapBytes, long maxHeapAfterGcBytes) {
    }

    private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final Map<Long, Long> lastSeen = new HashMap<>();
    private final AtomicLong peakHeap = new AtomicLong();
    private final AtomicLong maxAfterGc = new AtomicLong();
    private final Thread sampler;
    private volatile boolean running = true;
    private Map<Long, Long> base = Map.of();
    private long startWall;
    private long startCpu;

    public ResourceMeter() {
        threads.setThreadAllocatedMemoryEnabled(true);
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((n, h) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                    var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo();
                    peakHeap.accumulateAndGet(sum(info.getMemoryUsageBeforeGc()), Math::max);
                    maxAfterGc.accumulateAndGet(sum(info.getMemoryUsageAfterGc()), Math::max);
                }
            }, null, null);
        }
        sampler = new Thread(this::sample, "bench-meter");
        sampler.setDaemon(true);
        sampler.start();
    }

    public synchronized void begin() {
        threads.resetPeakThreadCount();
        peakHeap.set(heapUsed());
        maxAfterGc.set(0);
        lastSeen.clear();
        base = snapshot();
        lastSeen.putAll(base);
        startCpu = os.getProcessCpuTime();
        startWall = System.nanoTime();
    }

    public synchronized Sample end() {
        long wall = System.nanoTime() - startWall;
        long cpu = os.getProcessCpuTime() - startCpu;
        Map<Long, Long> now = snapshot();
        lastSeen.putAll(now);
        long alloc = 0;
        for (var e : lastSeen.entrySet()) {
            alloc += e.getValue() - base.getOrDefault(e.getKey(), 0L);
        }
        peakHeap.accumulateAndGet(heapUsed(), Math::max);
        return new Sample(wall, cpu, alloc, threads.getPeakThreadCount(), peakHeap.get(), maxAfterGc.get());
    }

    /** Heap in use after full collections, i.e. what stays reachable. */
    public long heapAfterFullGc() {
        System.gc();
        System.gc();
        return heapUsed();
    }

    private void sample() {
        while (running) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            peakHeap.accumulateAndGet(heapUsed(), Math::max);
            Map<Long, Long> now = snapshot();
            synchronized (this) {
                lastSeen.putAll(now);
            }
        }
    }

    private Map<Long, Long> snapshot() {
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        Map<Long, Long> m = new HashMap<>(ids.length * 2);
        long self = sampler == null ? -1 : sampler.getId();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0 && ids[i] != self) {
                m.put(ids[i], bytes[i]);
            }
        }
        return m;
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long sum(Map<String, MemoryUsage> pools) {
        long total = 0;
        for (var e : pools.entrySet()) {
            // Non-heap pools (metaspace, code cache) are reported too; keep the heap ones.
            String name = e.getKey();
            if (!name.contains("Metaspace") && !name.contains("Code") && !name.contains("Class")) {
                total += e.getValue().getUsed();
            }
        }
        return total;
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
