package dev.fluxllm.internal.transport;

import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * Keeps the next check time of every watched call and runs each check when it is due, with one
 * scheduled task for all of them (at the earliest time) instead of one per call: an open stream
 * keeps a heap slot, not a scheduled task and its wrapper (about 100 B).
 *
 * <p>Lock-free: a call asks to be looked at again by putting itself, once at a time, on an
 * intrusive multi-producer queue ({@link Entry#next}); whichever thread then holds the drain
 * (a work-in-progress count, as Reactor's operators do) moves the asked entries into a min-heap
 * that only the drain touches, runs the checks that are due and moves the one scheduled task to
 * the heap's earliest time. Checks are as exact as before: each runs at the time its call asked
 * for, on the scheduler given (virtual time in tests).
 */
final class Deadlines implements Runnable {

    /** A watched call, as the heap and the queue keep it: its fields belong to this class. */
    abstract static class Entry {
        /** The next entry asked to be looked at again; written by producers, read by the drain. */
        volatile Entry next;
        /** 1 while on the queue: an entry is queued at most once at a time. */
        volatile int queued;
        /** Its position in the heap, -1 when not in it; the drain's. */
        int heapIndex = -1;
        /** When to check it next (scheduler nanos); the drain's. */
        long checkAt;

        /**
         * Returns when to check this call next (scheduler nanos), or {@link Long#MIN_VALUE} when it
         * needs no more checks (it ended); may end the call (a timeout). Called by the drain.
         */
        abstract long check(long now);
    }

    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<Entry, Entry> NEXT =
            AtomicReferenceFieldUpdater.newUpdater(Entry.class, Entry.class, "next");
    private static final AtomicIntegerFieldUpdater<Entry> QUEUED = AtomicIntegerFieldUpdater.newUpdater(Entry.class, "queued");
    private static final AtomicReferenceFieldUpdater<Deadlines, Entry> TAIL =
            AtomicReferenceFieldUpdater.newUpdater(Deadlines.class, Entry.class, "tail");
    private static final AtomicIntegerFieldUpdater<Deadlines> WIP = AtomicIntegerFieldUpdater.newUpdater(Deadlines.class, "wip");

    final Scheduler scheduler;

    // The queue (Vyukov's intrusive MPSC): producers swap the tail, the drain walks from the stub.
    private final Entry stub = new Entry() {
        @Override
        long check(long now) {
            return Long.MIN_VALUE;
        }
    };
    private volatile Entry tail = stub;
    private Entry head = stub;
    private volatile int wip;
    /** Set by the scheduled task: the drain runs the checks that are due. */
    private volatile boolean due;

    // Owned by the drain.
    private Entry[] heap = new Entry[16];
    private int size;
    private Disposable task;
    /** When the scheduled task runs, Long.MAX_VALUE when none is scheduled. */
    private long taskAt = Long.MAX_VALUE;

    Deadlines(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    long now() {
        return scheduler.now(TimeUnit.NANOSECONDS);
    }

    /** Asks for {@code e} to be checked: at once, then when its check says. Any thread. */
    void reconsider(Entry e) {
        if (e.queued == 0 && QUEUED.compareAndSet(e, 0, 1)) {
            NEXT.lazySet(e, null);
            Entry previous = TAIL.getAndSet(this, e);
            previous.next = e;
            drain();
        }
    }

    /** The scheduled task: the earliest check is due. */
    @Override
    public void run() {
        due = true;
        drain();
    }

    private void drain() {
        if (WIP.getAndIncrement(this) != 0) {
            return;
        }
        int missed = 1;
        for (;;) {
            for (Entry e; (e = poll()) != null; ) {
                e.queued = 0;
                // Checked now: a new call arms its first timer, an ended one leaves the heap.
                place(e, e.check(now()));
            }
            if (due) {
                // Timeouts fire when the scheduled task ran (on the scheduler's thread, as one task
                // per call did); only if another thread held the drain just then does it run them.
                due = false;
                task = null;
                taskAt = Long.MAX_VALUE;
                runDue();
            }
            schedule();
            missed = WIP.addAndGet(this, -missed);
            if (missed == 0) {
                return;
            }
        }
    }

    private Entry poll() {
        Entry h = head;
        Entry n = h.next;
        if (h == stub) {
            if (n == null) {
                return null;
            }
            head = n;
            h = n;
            n = n.next;
        }
        if (n != null) {
            head = n;
            return h;
        }
        if (h != tail) {
            // A producer swapped the tail and has not linked its entry yet: take it next time.
            return null;
        }
        // h is the last entry: put the stub behind it, so that h can leave the queue.
        stub.next = null;
        Entry previous = TAIL.getAndSet(this, stub);
        previous.next = stub;
        n = h.next;
        if (n != null) {
            head = n;
            return h;
        }
        return null;
    }

    /** Runs the checks that are due, each placed again where it says. */
    private void runDue() {
        long now = now();
        while (size != 0 && heap[0].checkAt <= now) {
            Entry e = heap[0];
            place(e, e.check(now));
            now = now();
        }
    }

    /** Moves the scheduled task to the heap's earliest time when that is sooner than it. */
    private void schedule() {
        if (size == 0) {
            return;
        }
        long at = heap[0].checkAt;
        if (at >= taskAt) {
            return;
        }
        Disposable previous = task;
        if (previous != null) {
            previous.dispose();
        }
        try {
            task = scheduler.schedule(this, Math.max(0, at - now()), TimeUnit.NANOSECONDS);
            taskAt = at;
        } catch (RejectedExecutionException rejected) {
            // The scheduler is shutting down: no check can run any more.
            task = null;
            taskAt = Long.MAX_VALUE;
        }
    }

    /** Puts e at checkAt in the heap, or out of it for Long.MIN_VALUE. */
    private void place(Entry e, long checkAt) {
        int i = e.heapIndex;
        if (checkAt == Long.MIN_VALUE) {
            if (i >= 0) {
                removeAt(i);
            }
            return;
        }
        if (i < 0) {
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            e.checkAt = checkAt;
            heap[size] = e;
            e.heapIndex = size;
            up(size++);
            return;
        }
        long before = e.checkAt;
        e.checkAt = checkAt;
        if (checkAt < before) {
            up(i);
        } else {
            down(i);
        }
    }

    private void removeAt(int i) {
        Entry gone = heap[i];
        gone.heapIndex = -1;
        int last = --size;
        Entry moved = heap[last];
        heap[last] = null;
        if (i != last) {
            heap[i] = moved;
            moved.heapIndex = i;
            up(i);
            down(moved.heapIndex);
        }
        if (heap.length > 64 && size < heap.length / 4) {
            // Ten thousand streams ended: do not keep their slots.
            heap = Arrays.copyOf(heap, heap.length / 2);
        }
    }

    private void up(int i) {
        Entry e = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Entry p = heap[parent];
            if (p.checkAt <= e.checkAt) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = e;
        e.heapIndex = i;
    }

    private void down(int i) {
        Entry e = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            Entry c = heap[child];
            int right = child + 1;
            if (right < size && heap[right].checkAt < c.checkAt) {
                child = right;
                c = heap[child];
            }
            if (e.checkAt <= c.checkAt) {
                break;
            }
            heap[i] = c;
            c.heapIndex = i;
            i = child;
        }
        heap[i] = e;
        e.heapIndex = i;
    }

    /** Returns how many calls are in the heap; for tests. */
    int size() {
        return size;
    }
}
