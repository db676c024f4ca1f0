package dev.moagateway.testing;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Short, bounded locks and reads that BlockHound cannot tell from blocking I/O: writing a log line to the console
 * (production logging can be made asynchronous), Netty's buffer allocator growing its pools, Netty's DNS
 * resolver drawing query ids from {@code /dev/urandom} (which never blocks), and the queue of
 * Reactor's timer threads, which an event loop locks to schedule or cancel a timeout. BlockHound's error,
 * thrown from inside that queue's lock, would leave the lock broken and hang every timer.
 */
public final class TestBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "subAppend");
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
        builder.allowBlockingCallsInside("sun.security.provider.NativePRNG$RandomIO", "implNextBytes");
        for (String method : new String[] {"offer", "add", "put", "remove", "poll", "take", "peek", "size", "clear"}) {
            builder.allowBlockingCallsInside("java.util.concurrent.ScheduledThreadPoolExecutor$DelayedWorkQueue", method);
        }
    }
}
