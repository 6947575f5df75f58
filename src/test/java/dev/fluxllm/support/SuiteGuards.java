package dev.fluxllm.support;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.blockhound.BlockHound;

/**
 * Guards every test class (registered by service loading): BlockHound is installed before the
 * first test, so a blocking call on an event loop or a parallel thread fails the test; and after
 * each class no Netty buffer may have leaked.
 */
public final class SuiteGuards implements AfterAllCallback {

    static {
        LeakTracker.install();
        BlockHound.install(builder -> builder
                // JUnit's and the JDK's own bookkeeping in tests, not library code.
                .allowBlockingCallsInside("java.util.concurrent.ThreadPoolExecutor", "getTask")
                .allowBlockingCallsInside("java.io.PrintStream", "println")
                .allowBlockingCallsInside("org.slf4j.simple.SimpleLogger", "write")
                // Netty 4.2's adaptive allocator takes a short StampedLock when it grows or frees a
                // magazine under contention (seen with a few hundred concurrent streams); Netty's
                // own BlockHound integration does not list it yet.
                .allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free"));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> leaks = LeakTracker.collect();
        LeakTracker.reset();
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported " + leaks.size() + " leaked buffer(s) in "
                    + context.getDisplayName() + ":\n" + String.join("\n", leaks));
        }
    }
}
