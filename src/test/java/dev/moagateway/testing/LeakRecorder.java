package dev.moagateway.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBufAllocator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Collects Netty's leak reports (tests run with {@code -Dio.netty.leakDetection.level=paranoid}), so a test
 * class can fail when a buffer was dropped without being released.
 */
public final class LeakRecorder extends AppenderBase<ILoggingEvent> {

    private static final List<String> leaks = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
        if (event.getFormattedMessage().contains("LEAK")) {
            leaks.add(event.getFormattedMessage());
        }
    }

    /**
     * Collects garbage, then allocates, which is when Netty checks for and reports buffers that were collected
     * unreleased; fails if any were, and starts the next check afresh.
     */
    public static void assertNoLeaks() throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(50);
            for (int i = 0; i < 100; i++) {
                ByteBufAllocator.DEFAULT.buffer(256).release();
            }
        }
        List<String> found = List.copyOf(leaks);
        leaks.clear();
        assertThat(found).as("Netty buffers leaked").isEmpty();
    }
}
