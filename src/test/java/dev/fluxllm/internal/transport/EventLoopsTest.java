package dev.fluxllm.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.DefaultEventExecutor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventLoopsTest {

    @Test
    void onAnEventLoopTheTaskRunsAfterTheCurrentTaskOnThatLoop() throws Exception {
        DefaultEventExecutor loop = new DefaultEventExecutor();
        try {
            List<String> order = new CopyOnWriteArrayList<>();
            CompletableFuture<Boolean> ranOnLoop = new CompletableFuture<>();
            CompletableFuture<Boolean> deferred = new CompletableFuture<>();
            loop.execute(() -> {
                deferred.complete(EventLoops.afterCurrentTask(() -> {
                    order.add("deferred");
                    ranOnLoop.complete(loop.inEventLoop());
                }));
                order.add("rest of the current task");
            });
            assertThat(deferred.get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(ranOnLoop.get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(order).containsExactly("rest of the current task", "deferred");
        } finally {
            loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void elsewhereNothingRunsAndTheCallerIsTold() {
        List<String> ran = new CopyOnWriteArrayList<>();
        assertThat(EventLoops.afterCurrentTask(() -> ran.add("task"))).isFalse();
        assertThat(ran).isEmpty();
    }

    @Test
    void aLoopShuttingDownRunsNothingAndTheCallerIsTold() throws Exception {
        DefaultEventExecutor loop = new DefaultEventExecutor();
        CompletableFuture<Boolean> deferred = new CompletableFuture<>();
        loop.execute(() -> {
            loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            deferred.complete(EventLoops.afterCurrentTask(() -> { }));
        });
        assertThat(deferred.get(5, TimeUnit.SECONDS)).isFalse();
    }
}
