package dev.fluxllm.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DoneStackTest {

    static final class Entry extends DoneStack.Node<Entry> {
        final int id;

        Entry(int id) {
            this.id = id;
        }
    }

    static List<Integer> ids(Entry oldest) {
        List<Integer> ids = new ArrayList<>();
        for (Entry e = oldest; e != null; e = e.nextDone) {
            ids.add(e.id);
        }
        return ids;
    }

    @Test
    void takeAllReturnsThePushesOldestFirstAndEmptiesTheStack() {
        DoneStack<Entry> stack = new DoneStack<>();
        assertThat(stack.takeAll()).isNull();
        for (int i = 0; i < 5; i++) {
            stack.push(new Entry(i));
        }
        assertThat(ids(stack.takeAll())).containsExactly(0, 1, 2, 3, 4);
        assertThat(stack.takeAll()).isNull();
        stack.push(new Entry(9));
        assertThat(ids(stack.takeAll())).containsExactly(9);
    }

    @Test
    void concurrentPushesAreNeitherLostNorDuplicated() throws InterruptedException {
        DoneStack<Entry> stack = new DoneStack<>();
        int threads = 4;
        int each = 20_000;
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int base = t * each;
            new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    stack.push(new Entry(base + i));
                }
                done.countDown();
            }).start();
        }
        Set<Integer> taken = new HashSet<>();
        int count = 0;
        // Taken while the pushes go on, as the drain loop does.
        while (done.getCount() > 0 || count < threads * each) {
            for (int id : ids(stack.takeAll())) {
                assertThat(taken.add(id)).as("taken once: %s", id).isTrue();
                count++;
            }
            if (count < threads * each) {
                done.await(1, TimeUnit.MILLISECONDS);
            }
        }
        assertThat(taken).hasSize(threads * each);
    }
}
