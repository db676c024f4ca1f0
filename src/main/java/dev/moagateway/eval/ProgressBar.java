package dev.moagateway.eval;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * The run's progress on the terminal: prompts done, calls in flight, time so far and an estimate of what is
 * left. On a console it redraws one line; into a file or pipe it writes a line every few seconds.
 */
final class ProgressBar implements AutoCloseable {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean console;
    private final int total;
    private final long start = System.nanoTime();
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Disposable ticks;

    ProgressBar(PrintStream out, boolean console, int total) {
        this.out = out;
        this.console = console;
        this.total = total;
        this.ticks = Flux.interval(Duration.ofMillis(console ? 250 : 5000)).subscribe(tick -> draw());
    }

    void promptDone() {
        done.incrementAndGet();
    }

    void callStarted() {
        inFlight.incrementAndGet();
    }

    void callEnded() {
        inFlight.decrementAndGet();
    }

    private synchronized void draw() {
        out.print((console ? "\r" : "") + line() + (console ? "" : "\n"));
        out.flush();
    }

    String line() {
        int finished = done.get();
        int filled = total == 0 ? WIDTH : finished * WIDTH / total;
        long elapsed = Duration.ofNanos(System.nanoTime() - start).toSeconds();
        String left = finished == 0 ? "--:--" : clock(elapsed * (total - finished) / finished);
        return "[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + finished + "/" + total + " prompts, "
                + inFlight.get() + " calls in flight, " + clock(elapsed) + " elapsed, ~" + left + " left ";
    }

    private static String clock(long seconds) {
        return String.format("%02d:%02d", seconds / 60, seconds % 60);
    }

    @Override
    public void close() {
        ticks.dispose();
        draw();
        if (console) {
            out.println();
        }
    }
}
