import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Holds CONCURRENT streaming mixture requests open at once, then sends RATE requests a second for
 * SOAK_SECONDS, sampling the gateway's resident memory. Prints errors and memory at idle, under load and
 * after. Usage: java -cp CLASSPATH LoadSoak.java GATEWAY_URL GATEWAY_PID CONCURRENT RATE SOAK_SECONDS
 */
public class LoadSoak {

    private static final String BODY = "{\"model\":\"load\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    private final HttpClient client;
    private final long pid;
    private final AtomicInteger errors = new AtomicInteger();
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger peakOpen = new AtomicInteger();
    private final AtomicLong peakRss = new AtomicLong();

    LoadSoak(String url, long pid) {
        this.pid = pid;
        this.client = HttpClient.create(ConnectionProvider.builder("load").maxConnections(5000)
                        .pendingAcquireMaxCount(-1).build())
                .baseUrl(url)
                .headers(headers -> headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json"))
                .responseTimeout(Duration.ofSeconds(60));
    }

    public static void main(String[] args) throws Exception {
        LoadSoak run = new LoadSoak(args[0], Long.parseLong(args[1]));
        int concurrent = Integer.parseInt(args[2]);
        int rate = Integer.parseInt(args[3]);
        int soakSeconds = Integer.parseInt(args[4]);

        long idle = run.rss();
        System.out.printf("RSS idle: %d MB%n", idle / 1024);

        run.hold(concurrent);
        System.out.printf("%d concurrent streams: %d completed, %d errors, at most %d open at once, RSS peak %d MB%n",
                concurrent, run.completed.get(), run.errors.get(), run.peakOpen.get(), run.peakRss.get() / 1024);

        int errorsBefore = run.errors.get();
        int completedBefore = run.completed.get();
        run.soak(rate, soakSeconds);
        System.out.printf("soak %d s at %d req/s: %d completed, %d errors, RSS peak %d MB%n", soakSeconds, rate,
                run.completed.get() - completedBefore, run.errors.get() - errorsBefore, run.peakRss.get() / 1024);

        Thread.sleep(30_000);
        System.out.printf("RSS after (30 s idle): %d MB%n", run.rss() / 1024);
        System.out.printf("errors in all: %d%n", run.errors.get());
    }

    /** Opens {@code count} streams at once and waits for all of them, sampling memory while they are open. */
    void hold(int count) {
        sampling(Flux.range(0, count).flatMap(i -> stream(), count), Duration.ofMinutes(5));
    }

    /** Starts {@code rate} streams a second for {@code seconds}, and waits for the last of them. */
    void soak(int rate, int seconds) {
        sampling(Flux.interval(Duration.ofMillis(1000 / rate))
                .take(Duration.ofSeconds(seconds))
                .flatMap(tick -> stream(), 10_000), Duration.ofSeconds(seconds + 120L));
    }

    /** Runs {@code load}, sampling memory twice a second and printing it once a minute. */
    private void sampling(Flux<Boolean> load, Duration limit) {
        peakRss.set(0);
        Disposable sampler = Flux.interval(Duration.ofMillis(500)).subscribe(tick -> {
            sample();
            if (tick > 0 && tick % 120 == 0) {
                System.out.printf("  minute %d: RSS %d MB, %d completed, %d errors%n", tick / 120, rss() / 1024,
                        completed.get(), errors.get());
            }
        });
        try {
            load.blockLast(limit);
        }
        finally {
            sampler.dispose();
        }
    }

    /** One streamed request; an error is a non-200, an error event, or a stream without [DONE]. */
    Mono<Boolean> stream() {
        return client.post()
                .uri("/v1/chat/completions")
                .send(ByteBufFlux.fromString(Mono.just(BODY)))
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                        .map(text -> response.status().code() == 200 && text.endsWith("data: [DONE]\n\n")
                                && !text.contains("\"error\"")))
                .doOnSubscribe(s -> peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max))
                .doFinally(signal -> open.decrementAndGet())
                .onErrorReturn(false)
                .doOnNext(ok -> (ok ? completed : errors).incrementAndGet());
    }

    void sample() {
        peakRss.accumulateAndGet(rss(), Math::max);
    }

    long rss() {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .map(line -> Long.parseLong(line.replaceAll("\\D", "")))
                    .findFirst().orElse(0L);
        }
        catch (IOException ex) {
            return 0;
        }
    }
}
