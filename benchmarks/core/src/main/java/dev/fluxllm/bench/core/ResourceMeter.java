package dev.fluxllm.bench.core;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
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

    /**
     * @param allocatedBytes per-thread sum, or the heap-based figure when a thread ended during the
     *                       iteration (its last bytes are invisible to the per-thread counters)
     * @param allocationFromHeap true when {@code allocatedBytes} is the heap-based figure: heap in use
     *                       at the end minus at the start plus everything the collections reclaimed,
     *                       exact to a G1 region (1 MiB) or so
     */
    public record Sample(long wallNanos, long cpuNanos, long allocatedBytes, boolean allocationFromHeap,
                         int peakThreads, long peakHeapBytes, long maxHeapAfterGcBytes, long jitMillis) {
    }

    private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    private final Map<Long, Long> lastSeen = new HashMap<>();
    private final AtomicLong peakHeap = new AtomicLong();
    private final AtomicLong maxAfterGc = new AtomicLong();
    private final AtomicLong reclaimed = new AtomicLong();
    private final AtomicLong notifiedGcs = new AtomicLong();
    private final Thread sampler;
    private volatile boolean running = true;
    private Map<Long, Long> base = Map.of();
    private long startWall;
    private long startCpu;
    private long startHeap;
    private long startJit;

    public ResourceMeter() {
        threads.setThreadAllocatedMemoryEnabled(true);
        for (var gc : collectors) {
            ((NotificationEmitter) gc).addNotificationListener((n, h) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                    var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo();
                    long before = sum(info.getMemoryUsageBeforeGc());
                    long after = sum(info.getMemoryUsageAfterGc());
                    peakHeap.accumulateAndGet(before, Math::max);
                    maxAfterGc.accumulateAndGet(after, Math::max);
                    reclaimed.addAndGet(before - after);
                    notifiedGcs.incrementAndGet();
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
        awaitGcNotifications();
        reclaimed.set(0);
        lastSeen.clear();
        base = snapshot();
        lastSeen.putAll(base);
        startHeap = heapUsed();
        startJit = jitMillis();
        startCpu = os.getProcessCpuTime();
        startWall = System.nanoTime();
    }

    public synchronized Sample end() {
        long wall = System.nanoTime() - startWall;
        long cpu = os.getProcessCpuTime() - startCpu;
        long compiled = jitMillis() - startJit;
        Map<Long, Long> now = snapshot();
        lastSeen.putAll(now);
        long alloc = 0;
        boolean threadEnded = false;
        for (var e : lastSeen.entrySet()) {
            alloc += e.getValue() - base.getOrDefault(e.getKey(), 0L);
            threadEnded |= !now.containsKey(e.getKey());
        }
        long heapEnd = heapUsed();
        awaitGcNotifications();
        long fromHeap = heapEnd - startHeap + reclaimed.get();
        peakHeap.accumulateAndGet(heapUsed(), Math::max);
        if (Boolean.getBoolean("bench.debugThreads")) {
            for (var e : lastSeen.entrySet()) {
                var info = threads.getThreadInfo(e.getKey());
                System.err.printf("thread %s: %d bytes%n", info == null ? "(ended) " + e.getKey() : info.getThreadName(),
                    e.getValue() - base.getOrDefault(e.getKey(), 0L));
            }
        }
        return new Sample(wall, cpu, threadEnded ? fromHeap : alloc, threadEnded,
            threads.getPeakThreadCount(), peakHeap.get(), maxAfterGc.get(), compiled);
    }

    /** GC notifications arrive on another thread; wait until every collection so far was counted. */
    private void awaitGcNotifications() {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (notifiedGcs.get() < collections() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * CPU time the JIT compiler threads used so far, in ms; in an iteration it says whether warm-up
     * was long enough. Read from /proc on Linux (the compiler threads are invisible to ThreadMXBean);
     * elsewhere the JVM's compilation time, which is elapsed time and overstates it on busy cores.
     */
    private long jitMillis() {
        Path tasks = Path.of("/proc/self/task");
        if (Files.isDirectory(tasks)) {
            long ticks = 0;
            try (DirectoryStream<Path> all = Files.newDirectoryStream(tasks)) {
                for (Path task : all) {
                    try {
                        if (!Files.readString(task.resolve("comm")).contains("CompilerThre")) {
                            continue;
                        }
                        String stat = Files.readString(task.resolve("stat"));
                        // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    } catch (IOException | RuntimeException gone) {
                        // The thread ended meanwhile.
                    }
                }
                return ticks * 10; // USER_HZ is 100 on Linux
            } catch (IOException e) {
                // fall through
            }
        }
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    private long collections() {
        long n = 0;
        for (var gc : collectors) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
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
