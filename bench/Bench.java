import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntToDoubleFunction;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;
import java.util.stream.IntStream;

import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The timings of bench/run.sh that need a client of its own: streaming and mixtures. Each target is
 * {@code name=url}; the first is the baseline (the fake upstream reached directly). Streamed tokens carry the
 * fake upstream's {@link System#nanoTime()} at writing, which is the same clock here (CLOCK_MONOTONIC).
 * <pre>
 * wrk-summary FILE CLOCK_TICKS                              added latency, throughput ratio and CPU, from wrk runs
 * telemetry FILE CLOCK_TICKS ROUNDS PER_ROUND TOKENS GAP_MS TARGETED TARGET...
 *                                                            the gateway's telemetry variants: wrk-summary, streams,
 *                                                            then each variant against the second target (off)
 * streams ROUNDS PER_ROUND TOKENS GAP_MS TARGET...           time to first token, inter-chunk gap, chunk transit
 * concurrent GATEWAY_PID TOKENS GAP_MS LEVELS TARGET...      concurrent streams without a stall, and memory
 * mixture URL MODEL CRITICAL_PATH_MS CONCURRENCY REQUESTS    mixture time over its critical path
 * progress URL MODEL REQUESTS                               what a mixture stream's progress shows, and when
 * strategies URL REQUESTS MODEL...                          mixture streams' first answer token and end, each
 *                                                            against the first model's
 * stream-cost PID CLOCK_TICKS LABEL URL MODEL STREAMS CONCURRENCY
 *                                                            the process's CPU time per stream and per chunk
 * open-streams PID LABEL URL MODEL COUNT                     the process's memory with COUNT streams open
 * </pre>
 */
public class Bench {

    private static final HttpClient CLIENT = HttpClient.create(ConnectionProvider.builder("bench")
                    .maxConnections(10_000).pendingAcquireMaxCount(-1).build())
            .headers(headers -> headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json"))
            .responseTimeout(Duration.ofSeconds(120));

    public static void main(String[] args) {
        switch (args[0]) {
            case "wrk-summary" -> wrkSummary(Path.of(args[1]), Integer.parseInt(args[2]));
            case "telemetry" -> telemetry(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Integer.parseInt(args[5]), Integer.parseInt(args[6]),
                    List.of(args[7].split(",")), targets(args, 8));
            case "streams" -> streams(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), targets(args, 5));
            case "concurrent" -> concurrent(Long.parseLong(args[1]), Integer.parseInt(args[2]),
                    Integer.parseInt(args[3]), args[4].split(","), targets(args, 5));
            case "mixture" -> mixture(args[1], args[2], Long.parseLong(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]));
            case "progress" -> progress(args[1], args[2], Integer.parseInt(args[3]));
            case "strategies" -> strategies(args[1], Integer.parseInt(args[2]),
                    List.of(Arrays.copyOfRange(args, 3, args.length)));
            case "stream-cost" -> streamCost(Long.parseLong(args[1]), Integer.parseInt(args[2]), args[3], args[4],
                    args[5], Integer.parseInt(args[6]), Integer.parseInt(args[7]));
            case "open-streams" -> openStreams(Long.parseLong(args[1]), args[2], args[3], args[4],
                    Integer.parseInt(args[5]));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    /**
     * Summarizes run.sh's wrk runs, one per line: connections, target, round, requests, duration (us), latency
     * p50 and p99 (us), errors, and the target's CPU time in clock ticks. Added latency and the throughput ratio
     * are taken within each round, against the baseline's run of that round, and their median over rounds printed.
     */
    static void wrkSummary(Path file, int clockTicks) {
        wrkSummary(wrkRuns(file), clockTicks);
    }

    private static void wrkSummary(List<WrkRun> runs, int clockTicks) {
        String baseline = runs.get(0).target();
        int width = width(runs.stream().map(WrkRun::target).toList());
        System.out.println("non-streamed, wrk, medians over rounds (latency in microseconds; added = minus " + baseline
                + "'s in the same round):");
        System.out.printf("  %-4s %-" + width + "s %8s %8s %8s %8s %10s %9s %7s %13s%n", "c", "target", "p50", "p99",
                "added50", "added99", "req/s", "x" + baseline, "errors", "CPU/request");
        runs.stream().map(WrkRun::connections).distinct().forEach(connections -> runs.stream()
                .map(WrkRun::target).distinct().forEach(target -> {
                    List<WrkRun> mine = runs.stream()
                            .filter(run -> run.connections() == connections && run.target().equals(target)).toList();
                    Compared against = compare(runs, connections, target, baseline);
                    long requests = mine.stream().mapToLong(WrkRun::requests).sum();
                    long ticks = mine.stream().mapToLong(WrkRun::cpuTicks).sum();
                    System.out.printf("  %-4d %-" + width + "s %8.0f %8.0f %8.0f %8.0f %10.0f %9.3f %7d %13s%n",
                            connections, target, median(mine.size(), i -> mine.get(i).p50()),
                            median(mine.size(), i -> mine.get(i).p99()), against.added50(), against.added99(),
                            median(mine.size(), i -> mine.get(i).rate()), against.ratio(),
                            mine.stream().mapToLong(WrkRun::errors).sum(),
                            target.equals(baseline) ? "-" : String.format("%.0f us", ticks * 1e6 / clockTicks / requests));
                }));
    }

    private static List<WrkRun> wrkRuns(Path file) {
        try (var lines = Files.lines(file)) {
            return lines.map(WrkRun::parse).toList();
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * A target's wrk runs at so many connections against the baseline's of the same rounds: the medians over
     * rounds of the latency it adds (microseconds) and of its throughput over the baseline's.
     */
    private static Compared compare(List<WrkRun> runs, int connections, String target, String baseline) {
        List<WrkRun> mine = runs.stream()
                .filter(run -> run.connections() == connections && run.target().equals(target)).toList();
        List<WrkRun> base = mine.stream().map(run -> runs.stream()
                .filter(other -> other.connections() == connections && other.round() == run.round()
                        && other.target().equals(baseline))
                .findFirst().orElseThrow()).toList();
        return new Compared(median(mine.size(), i -> mine.get(i).p50() - base.get(i).p50()),
                median(mine.size(), i -> mine.get(i).p99() - base.get(i).p99()),
                median(mine.size(), i -> mine.get(i).rate() / base.get(i).rate()));
    }

    record Compared(double added50, double added99, double ratio) {
    }

    /**
     * The telemetry section of run.sh: the targets are the fake upstream reached directly, then the gateway's
     * variants, the first of them with its telemetry off. Prints the wrk runs of FILE as wrk-summary does, runs
     * and prints streams as streams does, then what each variant adds to the one with telemetry off, beside the
     * targets for the TARGETED variants (comma-separated names), and the trace exports the fake upstream
     * received from each variant: the exporters' URLs name the gateway's port.
     */
    static void telemetry(Path file, int clockTicks, int rounds, int perRound, int tokens, int gapMillis,
            List<String> targeted, Map<String, String> targets) {
        List<WrkRun> runs = wrkRuns(file);
        wrkSummary(runs, clockTicks);
        System.out.println();
        Map<String, StreamSamples> streamed = streams(rounds, perRound, tokens, gapMillis, targets);
        System.out.println();

        List<String> names = new ArrayList<>(targets.keySet());
        String off = names.get(1);
        Map<String, String> exports = new LinkedHashMap<>();
        CLIENT.get().uri(targets.get(names.get(0)) + "/v1/traces").responseContent().aggregate().asString()
                .defaultIfEmpty("").block().lines().map(line -> line.split(" "))
                .forEach(f -> exports.put(f[0], f[1] + " (" + Long.parseLong(f[2]) / 1024 + " KB)"));
        double maxAddedMillis = 0.1;
        double minRatio = 0.97;
        int width = width(names);
        String columns = "  %-" + width + "s %12s %12s %13s %14s %10s %16s   %s%n";
        System.out.printf("telemetry cost against %s, in milliseconds (non-streamed: medians over rounds of the "
                + "differences within a round;%n  streamed: over all streams and chunks; trace exports: the requests "
                + "and bytes the fake received over the section)%n", off);
        System.out.printf("  targets with metrics on and 10%% of traces sampled: <= %.1f ms added p99 at c=1, >= "
                + "%.2fx %s's throughput at c=64%n", maxAddedMillis, minRatio, off);
        System.out.printf(columns, "variant", "c=1 added50", "c=1 added99", "ttft added99", "chunk added99",
                "c=64 x" + off, "trace exports", "against the targets");
        StreamSamples base = streamed.get(off);
        for (String name : names.subList(1, names.size())) {
            String exported = exports.getOrDefault(String.valueOf(URI.create(targets.get(name)).getPort()), "0");
            if (name.equals(off)) {
                System.out.printf(columns, name, "-", "-", "-", "-", "-", exported, "(the baseline)");
                continue;
            }
            Compared c1 = compare(runs, 1, name, off);
            Compared c64 = compare(runs, 64, name, off);
            StreamSamples mine = streamed.get(name);
            double added99 = c1.added99() / 1000;
            String verdict = !targeted.contains(name) ? "(none set)"
                    : String.format("p99 <= %.1f ms %s, >= %.2fx %s", maxAddedMillis,
                            added99 <= maxAddedMillis ? "met" : "MISSED", minRatio,
                            c64.ratio() >= minRatio ? "met" : "MISSED");
            System.out.printf(columns, name, String.format("%.3f", c1.added50() / 1000),
                    String.format("%.3f", added99),
                    String.format("%.3f", (mine.ttft().percentile(99) - base.ttft().percentile(99)) / 1e6),
                    String.format("%.3f", (mine.transits().percentile(99) - base.transits().percentile(99)) / 1e6),
                    String.format("%.3fx", c64.ratio()), exported, verdict);
        }
    }

    /**
     * One stream after another to each target, the targets taking turns round by round. Prints each target's
     * time to first token, gap between chunks and time a chunk took from the fake upstream to here, and what
     * it adds to the baseline's.
     */
    static Map<String, StreamSamples> streams(int rounds, int perRound, int tokens, int gapMillis,
            Map<String, String> targets) {
        Map<String, Samples> ttft = new LinkedHashMap<>();
        Map<String, Samples> gaps = new LinkedHashMap<>();
        Map<String, Samples> transits = new LinkedHashMap<>();
        targets.keySet().forEach(name -> {
            ttft.put(name, new Samples());
            gaps.put(name, new Samples());
            transits.put(name, new Samples());
        });
        String model = "mock/n=" + tokens + ",p=" + gapMillis;
        targets.forEach((name, url) -> Flux.range(0, 20).concatMap(i -> stream(url, model)).blockLast());
        for (int round = 0; round < rounds; round++) {
            targets.forEach((name, url) -> Flux.range(0, perRound).concatMap(i -> stream(url, model))
                    .doOnNext(result -> {
                        if (result.ok(tokens)) {
                            ttft.get(name).add(result.firstToken());
                            gaps.get(name).addAll(result.gaps());
                            transits.get(name).addAll(result.transits());
                        }
                    })
                    .blockLast());
        }
        System.out.printf("streams of %d tokens %d ms apart, %d per target in %d alternating rounds (microseconds):%n",
                tokens, gapMillis, rounds * perRound, rounds);
        int width = width(targets.keySet());
        System.out.printf("  %-" + width + "s %8s %14s %14s %14s %14s %14s %14s%n", "target", "streams", "ttft p50",
                "ttft p99", "gap p50", "gap p99", "transit p50", "transit p99");
        String baseline = targets.keySet().iterator().next();
        targets.keySet().forEach(name -> System.out.printf("  %-" + width + "s %8d %14s %14s %14s %14s %14s %14s%n", name,
                ttft.get(name).size(),
                added(ttft, name, baseline, 50), added(ttft, name, baseline, 99),
                added(gaps, name, baseline, 50), added(gaps, name, baseline, 99),
                added(transits, name, baseline, 50), added(transits, name, baseline, 99)));
        System.out.println("  (each cell: the target's figure, then in brackets what it adds to " + baseline + "'s)");
        Map<String, StreamSamples> samples = new LinkedHashMap<>();
        targets.keySet().forEach(name -> samples.put(name,
                new StreamSamples(ttft.get(name), gaps.get(name), transits.get(name))));
        return samples;
    }

    /** One target's streams: times to first token, gaps between chunks and chunks' transits, in nanoseconds. */
    record StreamSamples(Samples ttft, Samples gaps, Samples transits) {
    }

    /**
     * For each level, that many streams at once to each target: how many finished with every chunk no later
     * than the pace plus 100 ms. While the gateway holds the streams, its memory is sampled.
     */
    static void concurrent(long gatewayPid, int tokens, int gapMillis, String[] levels, Map<String, String> targets) {
        String model = "mock/n=" + tokens + ",p=" + gapMillis;
        long stallNanos = Duration.ofMillis(gapMillis + 100L).toNanos();
        System.out.printf("concurrent streams of %d tokens %d ms apart; a stall is a chunk more than %d ms after "
                + "the one before, an error, or a stream cut short:%n", tokens, gapMillis, gapMillis + 100);
        int warmUp = Integer.parseInt(levels[0]);
        targets.values().forEach(url -> Flux.range(0, warmUp).flatMap(i -> stream(url, model), warmUp).blockLast());
        for (String level : levels) {
            int count = Integer.parseInt(level);
            targets.forEach((name, url) -> {
                AtomicLong peakRss = new AtomicLong();
                Disposable sampler = name.equals("gateway") ? Flux.interval(Duration.ofMillis(50))
                        .subscribe(tick -> peakRss.accumulateAndGet(rssKb(gatewayPid), Math::max)) : () -> { };
                List<StreamResult> results;
                try {
                    results = Flux.range(0, count).flatMap(i -> stream(url, model), count).collectList().block();
                }
                finally {
                    sampler.dispose();
                }
                long stalled = results.stream()
                        .filter(r -> !r.ok(tokens) || r.gaps().stream().anyMatch(gap -> gap > stallNanos)).count();
                long completed = results.stream().filter(r -> r.ok(tokens)).count();
                long worstGap = results.stream().flatMap(r -> r.gaps().stream()).mapToLong(Long::longValue).max().orElse(0);
                System.out.printf("  %-10s %5d streams: %5d completed, %5d without a stall, %4d stalled, longest gap "
                        + "%4d ms%s%n", name, count, completed, count - stalled, stalled, worstGap / 1_000_000,
                        name.equals("gateway") ? ", gateway RSS peak " + peakRss.get() / 1024 + " MB" : "");
            });
        }
    }

    /** CONCURRENCY mixture requests at a time, REQUESTS in all: end-to-end time over the critical path. */
    static void mixture(String url, String model, long criticalMillis, int concurrency, int requests) {
        String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        Flux.range(0, Math.min(concurrency, 10)).flatMap(i -> timed(url, body)).blockLast();
        Samples times = new Samples();
        long failed = Flux.range(0, requests).flatMap(i -> timed(url, body), concurrency)
                .filter(time -> {
                    if (time < 0) {
                        return true;
                    }
                    times.add(time);
                    return false;
                })
                .count().block();
        double critical = criticalMillis * 1e6;
        System.out.printf("  c=%-4d %4d requests, %d failed: p50 %.1f ms (%.3fx), p99 %.1f ms (%.3fx) of the %d ms "
                + "critical path%n", concurrency, requests, failed, times.percentile(50) / 1e6,
                times.percentile(50) / critical, times.percentile(99) / 1e6, times.percentile(99) / critical,
                criticalMillis);
    }

    /**
     * Mixture streams one at a time, REQUESTS asking for the run's progress as {@code reasoning_content} and its
     * named {@code moa} events, taking turns with as many asking for no progress (the control), after a few of
     * each to warm up. Prints, from sending the request: the first byte, the first progress chunk, the first
     * draft text as an event and as a progress chunk, and how long that text came after the fastest layer-1
     * proposer's first token; and the control's first byte, which is what the client sees without progress.
     */
    static void progress(String url, String model, int requests) {
        String withProgress = progressBody(model, "{\"progress\":\"reasoning_content\",\"events\":true}");
        String control = progressBody(model, "{\"progress\":\"none\"}");
        // This JVM's client code is cold, and so may be the gateway's progress path, which earlier runs do not take.
        Flux.range(0, 3).concatMap(i -> progressStream(url, withProgress).then(progressStream(url, control)))
                .blockLast();
        List<ProgressResult> shown = new ArrayList<>();
        List<ProgressResult> controls = new ArrayList<>();
        Flux.range(0, requests)
                .concatMap(i -> progressStream(url, withProgress).doOnNext(shown::add)
                        .then(progressStream(url, control).doOnNext(controls::add)))
                .blockLast();
        List<ProgressResult> ok = shown.stream().filter(ProgressResult::okWithProgress).toList();
        List<ProgressResult> controlOk = controls.stream().filter(ProgressResult::ok).toList();
        System.out.printf("  c=1  %d streams with \"progress\": \"reasoning_content\" and events, %d failed; %d with "
                + "\"progress\": \"none\", %d failed (ms from sending the request):%n", requests,
                requests - ok.size(), requests, requests - controlOk.size());
        System.out.printf("    %-72s %8s %8s%n", "", "p50", "p99");
        progressLine("first byte (the role chunk)", ok, r -> r.firstByte);
        progressLine("first progress chunk (\"Layer 1 of ...\")", ok, r -> r.firstProgress);
        progressLine("first draft.delta event", ok, r -> r.firstDraftEvent);
        progressLine("first progress chunk with draft text", ok, r -> r.firstDraftChunk);
        progressLine("fastest layer-1 proposer's first token (min first_token_ms)", ok, r -> r.fastestFirstToken);
        progressLine("first draft.delta event after the fastest proposer's first token *", ok,
                r -> r.firstDraftEvent - r.fastestFirstToken);
        progressLine("first draft-text chunk after the fastest proposer's first token *", ok,
                r -> r.firstDraftChunk - r.fastestFirstToken);
        progressLine("whole stream, to [DONE]", ok, r -> r.end);
        progressLine("control, no progress: first byte", controlOk, r -> r.firstByte);
        progressLine("control, no progress: whole stream, to [DONE]", controlOk, r -> r.end);
        System.out.printf("    * first_token_ms counts from the start of the proposer's upstream call, a little after%n"
                + "      the request's, so these are upper bounds of the delay the gateway adds to the draft's%n"
                + "      first text%n");
    }

    /**
     * Mixture streams one at a time, the models taking turns, REQUESTS of each after one each to warm up: when the
     * answer's first token came and when the stream ended, from sending the request, and each against the first
     * model's (its p50 over theirs); and how many tokens the answers had, to show each model wrote all of its.
     */
    static void strategies(String url, int requests, List<String> models) {
        Map<String, List<AnswerResult>> results = new LinkedHashMap<>();
        models.forEach(model -> results.put(model, new ArrayList<>()));
        Flux.range(-1, requests + 1)
                .concatMap(round -> Flux.fromIterable(models).concatMap(model -> streamed(url,
                        progressBody(model, "{\"progress\":\"none\"}"), AnswerResult::new)
                        .doOnNext(result -> {
                            if (round >= 0) {
                                results.get(model).add(result);
                            }
                        })))
                .blockLast();
        System.out.printf("  %-20s %9s %22s %22s %22s%n", "c=1, ms", "failed", "first token p50 (x)",
                "first token p99", "whole stream p50 (x)");
        Map<String, Samples> first = new LinkedHashMap<>();
        Map<String, Samples> whole = new LinkedHashMap<>();
        results.forEach((model, answers) -> {
            List<AnswerResult> ok = answers.stream().filter(AnswerResult::ok).toList();
            first.put(model, new Samples());
            whole.put(model, new Samples());
            ok.forEach(answer -> {
                first.get(model).add(answer.firstToken);
                whole.get(model).add(answer.end);
            });
            String baseline = models.get(0);
            System.out.printf("  %-20s %4d of %-2d %14.0f (%5.2fx) %22.0f %14.0f (%5.2fx)   %s tokens%n", model,
                    answers.size() - ok.size(), answers.size(), first.get(model).percentile(50) / 1e6,
                    (double) first.get(model).percentile(50) / first.get(baseline).percentile(50),
                    first.get(model).percentile(99) / 1e6, whole.get(model).percentile(50) / 1e6,
                    (double) whole.get(model).percentile(50) / whole.get(baseline).percentile(50),
                    ok.stream().map(answer -> answer.tokens).distinct().sorted().map(String::valueOf).toList());
        });
    }

    /**
     * What streams cost the process PID: STREAMS streams of MODEL from URL, CONCURRENCY at a time, and the
     * process's CPU time (user + system) over them, per stream and per chunk of content, and the streams
     * completed a second.
     */
    static void streamCost(long pid, int clockTicks, String label, String url, String model, int streams,
            int concurrency) {
        String body = "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Hi\"}]}";
        long before = cpuTicks(pid);
        long start = System.nanoTime();
        List<AnswerResult> results = Flux.range(0, streams)
                .flatMap(i -> streamed(url, body, AnswerResult::new), concurrency).collectList().block();
        double seconds = (System.nanoTime() - start) / 1e9;
        long ticks = cpuTicks(pid) - before;
        List<AnswerResult> ok = results.stream().filter(AnswerResult::ok).toList();
        long chunks = ok.stream().mapToLong(result -> result.tokens).sum();
        double micros = ticks * 1e6 / clockTicks;
        System.out.printf("  %-26s c=%-3d %5d streams, %d failed, %5.1f chunks each, %5.0f streams/s: CPU %6.0f µs a "
                + "stream, %5.2f µs a chunk%n", label, concurrency, streams, streams - ok.size(),
                (double) chunks / Math.max(1, ok.size()), ok.size() / seconds, micros / Math.max(1, ok.size()),
                micros / Math.max(1, chunks));
    }

    /** COUNT streams of MODEL from URL open at once: the process PID's resident memory at its peak, and after. */
    static void openStreams(long pid, String label, String url, String model, int count) {
        String body = "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Hi\"}]}";
        long idle = rssKb(pid);
        AtomicLong peak = new AtomicLong();
        Disposable sampler = Flux.interval(Duration.ofMillis(50))
                .subscribe(tick -> peak.accumulateAndGet(rssKb(pid), Math::max));
        List<AnswerResult> results;
        try {
            results = Flux.range(0, count).flatMap(i -> streamed(url, body, AnswerResult::new), count).collectList()
                    .block();
        }
        finally {
            sampler.dispose();
        }
        long failed = results.stream().filter(result -> !result.ok()).count();
        System.out.printf("  %-26s %5d streams open at once, %d failed: RSS %d MB before, %d MB at the peak%n", label,
                count, failed, idle / 1024, peak.get() / 1024);
    }

    /** The process's CPU time so far, user and system, in clock ticks. */
    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }
        catch (IOException ex) {
            return 0;
        }
    }

    private static String progressBody(String model, String moa) {
        return "{\"model\":\"" + model + "\",\"stream\":true,\"moa\":" + moa
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    }

    private static void progressLine(String label, List<ProgressResult> results, ToLongFunction<ProgressResult> nanos) {
        Samples samples = new Samples();
        results.forEach(result -> samples.add(nanos.applyAsLong(result)));
        System.out.printf("    %-72s %8.1f %8.1f%n", label, samples.percentile(50) / 1e6, samples.percentile(99) / 1e6);
    }

    /** One mixture stream, its frames read as they arrive. */
    private static Mono<ProgressResult> progressStream(String url, String body) {
        return streamed(url, body, ProgressResult::new);
    }

    /** The nanoseconds one non-streamed request took, or -1 if it failed. */
    private static Mono<Long> timed(String url, String body) {
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return CLIENT.post().uri(url + "/v1/chat/completions")
                    .send(ByteBufFlux.fromString(Mono.just(body)))
                    .responseSingle((response, content) -> content.asString()
                            .map(text -> response.status().code() == 200 && text.contains("\"choices\"")
                                    ? System.nanoTime() - start : -1L));
        }).onErrorReturn(-1L);
    }

    /** One streamed request; the arrival time of each token and the time it was written upstream. */
    private static Mono<StreamResult> stream(String url, String model) {
        String body = "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        return streamed(url, body, StreamResult::new);
    }

    /** A streamed request whose body {@code result} reads as it arrives; a failed one's result has status 0. */
    private static <R extends Received> Mono<R> streamed(String url, String body, LongFunction<R> result) {
        return Mono.defer(() -> {
            R received = result.apply(System.nanoTime());
            return CLIENT.post().uri(url + "/v1/chat/completions")
                    .send(ByteBufFlux.fromString(Mono.just(body)))
                    .response((response, content) -> {
                        received.status = response.status().code();
                        return content.asString().doOnNext(text -> received.read(text, System.nanoTime()));
                    })
                    .then(Mono.just(received));
        }).onErrorResume(failure -> Mono.just(result.apply(0)));
    }

    /** What a streamed request showed, read as its body arrives. */
    abstract static class Received {

        final long start;
        int status;

        Received(long start) {
            this.start = start;
        }

        /** Reads what {@code text} brings, all of it having arrived at {@code now}. */
        abstract void read(String text, long now);
    }

    /** The width of a column of target names, ten characters at least. */
    private static int width(Collection<String> names) {
        return Math.max(10, names.stream().mapToInt(String::length).max().orElse(0));
    }

    private static double median(int count, IntToDoubleFunction value) {
        double[] sorted = IntStream.range(0, count).mapToDouble(value).sorted().toArray();
        return count % 2 == 1 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2;
    }

    private static Map<String, String> targets(String[] args, int from) {
        Map<String, String> targets = new LinkedHashMap<>();
        for (String target : Arrays.copyOfRange(args, from, args.length)) {
            String[] nameUrl = target.split("=", 2);
            targets.put(nameUrl[0], nameUrl[1]);
        }
        return targets;
    }

    private static String added(Map<String, Samples> samples, String name, String baseline, int percentile) {
        long value = samples.get(name).percentile(percentile) / 1000;
        if (name.equals(baseline)) {
            return String.valueOf(value);
        }
        return value + " (" + (value - samples.get(baseline).percentile(percentile) / 1000) + ")";
    }

    private static long rssKb(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")))
                    .findFirst().orElse(0);
        }
        catch (IOException ex) {
            return 0;
        }
    }

    /** What one stream showed: when it started, when each token arrived, and when each was written upstream. */
    static final class StreamResult extends Received {

        final List<Long> arrivals = new ArrayList<>();
        final List<Long> written = new ArrayList<>();
        private final EventReader events = new EventReader();
        boolean done;

        StreamResult(long start) {
            super(start);
        }

        @Override
        void read(String text, long now) {
            events.read(text, event -> {
                String data = event.data();
                int content = data.indexOf("\"content\":\"");
                if (content >= 0) {
                    int from = content + 11;
                    int to = from;
                    while (to < data.length() && Character.isDigit(data.charAt(to))) {
                        to++;
                    }
                    if (to > from) {
                        written.add(Long.parseLong(data.substring(from, to)));
                        arrivals.add(now);
                    }
                }
                done |= data.equals("[DONE]");
            });
        }

        boolean ok(int tokens) {
            return status == 200 && done && arrivals.size() == tokens;
        }

        long firstToken() {
            return arrivals.get(0) - start;
        }

        List<Long> gaps() {
            List<Long> gaps = new ArrayList<>();
            for (int i = 1; i < arrivals.size(); i++) {
                gaps.add(arrivals.get(i) - arrivals.get(i - 1));
            }
            return gaps;
        }

        List<Long> transits() {
            List<Long> transits = new ArrayList<>();
            for (int i = 0; i < arrivals.size(); i++) {
                transits.add(arrivals.get(i) - written.get(i));
            }
            return transits;
        }
    }

    /**
     * What one mixture stream showed, in nanoseconds from sending the request (-1 until seen): the first bytes,
     * the first chunk with progress text, the first draft text as a {@code draft.delta} event and as a progress
     * chunk past the layer line, the end; and, from the {@code proposal.settled} events, the fastest layer-1
     * proposer's first token, which the gateway times from the start of that upstream call.
     */
    static final class ProgressResult extends Received {

        private static final JsonMapper JSON = JsonMapper.shared();

        private final EventReader events = new EventReader();
        boolean done;
        /** Whether an in-band error came, which a stream that had started ends with instead of failing. */
        boolean failed;
        /** Whether the first event was the role chunk, which a stream with progress sends at once. */
        boolean openedWithRole;
        private boolean first = true;
        long firstByte = -1;
        long firstProgress = -1;
        long firstDraftEvent = -1;
        long firstDraftChunk = -1;
        long fastestFirstToken = -1;
        long end = -1;

        ProgressResult(long start) {
            super(start);
        }

        @Override
        void read(String text, long now) {
            long at = now - start;
            if (firstByte < 0) {
                firstByte = at;
            }
            events.read(text, event -> {
                if (event.data().equals("[DONE]")) {
                    done = true;
                    end = at;
                    return;
                }
                JsonNode data = JSON.readTree(event.data());
                failed |= data.has("error");
                if (event.name().equals("moa")) {
                    runEvent(data, at);
                }
                else {
                    chunk(data.path("choices").path(0).path("delta"), at);
                }
                first = false;
            });
        }

        private void chunk(JsonNode delta, long at) {
            if (first) {
                openedWithRole = delta.path("role").asString().equals("assistant");
            }
            JsonNode reasoning = delta.path("reasoning_content");
            if (!reasoning.isString() || reasoning.stringValue().isEmpty()) {
                return;
            }
            if (firstProgress < 0) {
                firstProgress = at;
            }
            if (firstDraftChunk < 0 && !reasoning.stringValue().startsWith("Layer ")) {
                firstDraftChunk = at;
            }
        }

        private void runEvent(JsonNode data, long at) {
            String type = data.path("type").asString();
            if (type.equals("draft.delta") && firstDraftEvent < 0) {
                firstDraftEvent = at;
            }
            JsonNode firstToken = data.path("first_token_ms");
            if (type.equals("proposal.settled") && data.path("layer").asInt() == 1 && firstToken.isNumber()) {
                long nanos = Duration.ofMillis(firstToken.longValue()).toNanos();
                fastestFirstToken = fastestFirstToken < 0 ? nanos : Math.min(fastestFirstToken, nanos);
            }
        }

        boolean ok() {
            return status == 200 && done && !failed;
        }

        boolean okWithProgress() {
            return ok() && openedWithRole && firstProgress >= 0 && firstDraftEvent >= 0 && firstDraftChunk >= 0
                    && fastestFirstToken >= 0;
        }
    }

    /**
     * What one answer stream showed, in nanoseconds from sending the request: its first chunk with content, and
     * its end; and how many chunks had content.
     */
    static final class AnswerResult extends Received {

        private static final JsonMapper JSON = JsonMapper.shared();

        private final EventReader events = new EventReader();
        boolean done;
        boolean failed;
        int tokens;
        long firstToken = -1;
        long end = -1;

        AnswerResult(long start) {
            super(start);
        }

        @Override
        void read(String text, long now) {
            events.read(text, event -> {
                if (event.data().equals("[DONE]")) {
                    done = true;
                    end = now - start;
                    return;
                }
                JsonNode data = JSON.readTree(event.data());
                failed |= data.has("error");
                JsonNode content = data.path("choices").path(0).path("delta").path("content");
                if (content.isString() && !content.stringValue().isEmpty()) {
                    tokens++;
                    if (firstToken < 0) {
                        firstToken = now - start;
                    }
                }
            });
        }

        boolean ok() {
            return status == 200 && done && !failed && firstToken >= 0;
        }
    }

    /** One server-sent event: its name ({@code message} when it has none) and its data lines, joined. */
    record Event(String name, String data) {
    }

    /**
     * The client's one parser of server-sent events. Text goes in as it arrives: a read may end inside an event
     * or carry several. Each complete event comes out; comments ({@code : keep-alive}) and events without data
     * do not.
     */
    static final class EventReader {

        private final StringBuilder pending = new StringBuilder();

        void read(String text, Consumer<Event> events) {
            pending.append(text);
            int end;
            while ((end = pending.indexOf("\n\n")) >= 0) {
                Event event = parse(pending.substring(0, end));
                pending.delete(0, end + 2);
                if (event != null) {
                    events.accept(event);
                }
            }
        }

        private static Event parse(String frame) {
            String name = "message";
            StringBuilder data = null;
            for (String line : frame.split("\n")) {
                if (line.startsWith("event:")) {
                    name = value(line, 6);
                }
                else if (line.startsWith("data:")) {
                    data = data == null ? new StringBuilder() : data.append('\n');
                    data.append(value(line, 5));
                }
            }
            return data == null ? null : new Event(name, data.toString());
        }

        /** A field's value: what follows its colon, less one leading space. */
        private static String value(String line, int colon) {
            return line.startsWith(" ", colon) ? line.substring(colon + 1) : line.substring(colon);
        }
    }

    /** One wrk run of run.sh. */
    record WrkRun(int connections, String target, int round, long requests, long micros, long p50, long p99,
            long errors, long cpuTicks) {

        static WrkRun parse(String line) {
            String[] f = line.trim().split("\\s+");
            return new WrkRun(Integer.parseInt(f[0]), f[1], Integer.parseInt(f[2]), Long.parseLong(f[3]),
                    Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7]),
                    Long.parseLong(f[8]));
        }

        double rate() {
            return requests * 1e6 / micros;
        }
    }

    /** Nanosecond samples and their percentiles. */
    static final class Samples {

        private final List<Long> values = new ArrayList<>();

        synchronized void add(long value) {
            values.add(value);
        }

        synchronized void addAll(List<Long> more) {
            values.addAll(more);
        }

        synchronized int size() {
            return values.size();
        }

        synchronized long percentile(int percentile) {
            if (values.isEmpty()) {
                return 0;
            }
            long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1)];
        }
    }
}
