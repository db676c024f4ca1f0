package dev.moagateway.config;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Writes the access log through a queue on a thread of its own, so that the line every request ends with never
 * waits for the console on an event loop: a slow or stalled stdout would otherwise hold every request of that
 * loop. The queue is bounded, and when it is full lines are dropped rather than requests held. Applies where
 * Spring Boot's own console appender logs; another logging setup is left as it is.
 */
final class AsyncAccessLog implements SmartInitializingSingleton, DisposableBean {

    static final String LOGGER = "dev.moagateway.access";
    private static final String NAME = "ACCESS_ASYNC";
    private static final String CONSOLE = "CONSOLE";
    private static final int QUEUE_SIZE = 8192;

    private AsyncAppender async;

    @Override
    public void afterSingletonsInstantiated() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Appender<ILoggingEvent> console = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(CONSOLE);
        Logger access = context.getLogger(LOGGER);
        if (console == null || access.getAppender(NAME) != null) {
            return;
        }
        async = new AsyncAppender();
        async.setContext(context);
        async.setName(NAME);
        async.setQueueSize(QUEUE_SIZE);
        async.setDiscardingThreshold(0);
        async.setNeverBlock(true);
        async.addAppender(console);
        async.start();
        access.addAppender(async);
        access.setAdditive(false);
    }

    /** Writes out what is queued, and gives the logger back to the console. */
    @Override
    public void destroy() {
        if (async == null) {
            return;
        }
        Logger access = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(LOGGER);
        access.detachAppender(async);
        access.setAdditive(true);
        async.stop();
    }
}
