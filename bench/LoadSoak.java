import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.handler.codec.http.HttpHeaderNames;
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
        System.out.printf("%d concurrent streams: %d completed, %d errors, peak open %d, RSS peak %d MB%n",
                concurrent, run.completed.get(), run.errors.get(), concurrent, run.peakRss.get() / 1024);

        int errorsBefore = run.errors.get();
        int completedBefore = run.completed.get();
        run.soak(rate, soakSeconds);
        System.out.printf("soak %d s at %d req/s: %d completed, %d errors, RSS peak %d MB%n", soakSeconds, rate,
                run.completed.get() - completedBefore, run.errors.get() - errorsBefore, run.peakRss.get() / 1024);

        Thread.sleep(15_000);
        System.out.printf("RSS after (15 s idle): %d MB%n", run.rss() / 1024);
        System.out.printf("errors in all: %d%n", run.errors.get());
    }

    /** Opens {@code count} streams at once and waits for all of them, sampling memory while they are open. */
    void hold(int count) {
        Flux.range(0, count)
                .flatMap(i -> stream(), count)
                .mergeWith(Flux.interval(Duration.ofMillis(500)).doOnNext(tick -> sample()).then(Mono.empty()))
                .take(count)
                .blockLast(Duration.ofMinutes(5));
    }

    void soak(int rate, int seconds) {
        Flux.interval(Duration.ofMillis(1000 / rate))
                .take(Duration.ofSeconds(seconds))
                .flatMap(tick -> stream(), 10_000)
                .mergeWith(Flux.interval(Duration.ofSeconds(5)).doOnNext(tick -> sample()).then(Mono.empty()))
                .take((long) rate * seconds)
                .blockLast(Duration.ofSeconds(seconds + 120L));
    }

    /** One streamed request; an error is a non-200, an error event, or a stream without [DONE]. */
    Mono<Boolean> stream() {
        return client.post()
                .uri("/v1/chat/completions")
                .send(ByteBufFlux.fromString(Mono.just(BODY)))
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                        .map(text -> response.status().code() == 200 && text.endsWith("data: [DONE]\n\n")
                                && !text.contains("\"error\"")))
                .doOnSubscribe(s -> open.incrementAndGet())
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
