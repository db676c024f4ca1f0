package dev.moagateway.observability;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * The gateway's meters, named as OpenTelemetry's GenAI conventions name them where they exist, with the
 * conventions' bucket boundaries so that quantiles and heatmaps work. Each set of tags is looked up once and
 * kept: tags come from configuration or from {@link ModelNames}, so the sets are few.
 */
final class GatewayMeters {

    private static final Duration[] DURATION_BUCKETS = seconds(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28,
            2.56, 5.12, 10.24, 20.48, 40.96, 81.92);
    private static final Duration[] FIRST_TOKEN_BUCKETS = seconds(0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1,
            0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);
    private static final double[] TOKEN_BUCKETS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576,
            4194304, 16777216, 67108864};

    static final String ERROR_TYPE = "error.type";
    static final String OUTCOME = "outcome";

    private final MeterRegistry registry;
    private final AtomicInteger activeRequests = new AtomicInteger();
    private final Map<CallLabels, CallMeters> calls = new ConcurrentHashMap<>();
    private final Map<Tags, RequestMeters> requests = new ConcurrentHashMap<>();

    GatewayMeters(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("moa.requests.active", activeRequests, AtomicInteger::get)
                .description("Chat completion requests in progress")
                .register(registry);
    }

    AtomicInteger activeRequests() {
        return activeRequests;
    }

    /** {@code priced}: whether the model has a price, without which it has no cost series. */
    CallMeters call(CallLabels labels, boolean priced) {
        return calls.computeIfAbsent(labels, key -> callMeters(key, priced));
    }

    RequestMeters request(String model, boolean stream) {
        Tags tags = Tags.of("gen_ai.request.model", model, "moa.stream", Boolean.toString(stream));
        return requests.computeIfAbsent(tags, this::requestMeters);
    }

    void layer(String mixture, int layer, long durationNanos) {
        Timer.builder("moa.layer.duration")
                .description("Time from a layer's start until every proposer of it settled")
                .tags("moa.mixture", mixture, "moa.layer", Integer.toString(layer))
                .serviceLevelObjectives(DURATION_BUCKETS)
                .register(registry)
                .record(Duration.ofNanos(durationNanos));
    }

    void cancelled(String mixture, String phase) {
        Counter.builder("moa.cancellations")
                .description("Requests whose client left before the answer was complete, by what was running")
                .tags("moa.mixture", mixture, "phase", phase)
                .register(registry)
                .increment();
    }

    private CallMeters callMeters(CallLabels labels, boolean priced) {
        Tags tags = Tags.of("gen_ai.operation.name", "chat", "gen_ai.provider.name", labels.provider(),
                "gen_ai.request.model", labels.model(), "moa.mixture", labels.mixture(), "moa.role", labels.role(),
                "moa.layer", labels.layer());
        Tags model = Tags.of("gen_ai.provider.name", labels.provider(), "gen_ai.request.model", labels.model());
        return new CallMeters(
                Timer.builder("gen_ai.client.operation.duration")
                        .description("Duration of an upstream chat call, from its start to its last byte")
                        .tags(tags)
                        .serviceLevelObjectives(DURATION_BUCKETS)
                        .withRegistry(registry),
                Timer.builder("gen_ai.client.operation.time_to_first_chunk")
                        .description("Time from an upstream call's start to its first chunk")
                        .tags(tags)
                        .serviceLevelObjectives(FIRST_TOKEN_BUCKETS)
                        .register(registry),
                tokens(tags, "input"),
                tokens(tags, "output"),
                priced ? Counter.builder("moa.cost")
                        .description("What upstream calls cost, at the configured prices")
                        .baseUnit("usd")
                        .tags(tags)
                        .register(registry) : null,
                Counter.builder("moa.upstream.retries")
                        .description("Upstream attempts made again after a failure that is safe to repeat")
                        .tags(model)
                        .register(registry),
                labels.role().equals(CallLabels.PROPOSER)
                        ? Counter.builder("moa.proposals")
                                .description("Proposals of mixture layers, by how they settled")
                                .tags("moa.mixture", labels.mixture(), "moa.layer", labels.layer(),
                                        "gen_ai.request.model", labels.model())
                                .withRegistry(registry)
                        : null);
    }

    private DistributionSummary tokens(Tags tags, String type) {
        return DistributionSummary.builder("gen_ai.client.token.usage")
                .description("Tokens an upstream call used, by type, as the provider counted them")
                .tags(tags.and("gen_ai.token.type", type))
                .serviceLevelObjectives(TOKEN_BUCKETS)
                .register(registry);
    }

    private RequestMeters requestMeters(Tags tags) {
        return new RequestMeters(
                Timer.builder("gen_ai.server.request.duration")
                        .description("Duration of a chat completion request, from its arrival to its last byte")
                        .tags(tags)
                        .serviceLevelObjectives(DURATION_BUCKETS)
                        .withRegistry(registry),
                Timer.builder("gen_ai.server.time_to_first_token")
                        .description("Time from a streamed request's arrival to the first token of its answer")
                        .tags(tags)
                        .serviceLevelObjectives(FIRST_TOKEN_BUCKETS)
                        .withRegistry(registry));
    }

    private static Duration[] seconds(double... bounds) {
        return Arrays.stream(bounds).mapToObj(bound -> Duration.ofNanos((long) (bound * 1e9))).toArray(Duration[]::new);
    }

    /**
     * One call's meters; {@code duration} and {@code proposals} take the outcome as their last tag. {@code cost}
     * is null without a price, {@code proposals} for any role but a proposer's.
     */
    record CallMeters(MeterProvider<Timer> duration, Timer firstChunk, DistributionSummary inputTokens,
            DistributionSummary outputTokens, Counter cost, Counter retries, MeterProvider<Counter> proposals) {
    }

    /** One requested model's meters, stream or not; both take the outcome as their last tag. */
    record RequestMeters(MeterProvider<Timer> duration, MeterProvider<Timer> firstToken) {
    }
}
