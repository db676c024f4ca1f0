package dev.moagateway.observability;

import java.util.Map;
import java.util.Set;

import dev.moagateway.upstream.ProviderModel.Price;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import org.springframework.http.HttpHeaders;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's metrics, traces and request logs: one per gateway, handing each request its
 * {@link RequestScope}. Metrics go to Micrometer; spans to OpenTelemetry, which samples and exports them as
 * configured (nothing leaves the process without an endpoint).
 */
public final class Telemetry {

    /** Records nothing and traces nothing: for runs outside a server. */
    public static final Telemetry NONE = new Telemetry(new CompositeMeterRegistry(), OpenTelemetry.noop(), Map.of(),
            Set.of(), 0, false, JsonMapper.shared());

    final GatewayMeters meters;
    final Tracer tracer;
    final TextMapPropagator propagator;
    final ModelNames models;
    final boolean captureContent;
    final JsonMapper json;
    private final Map<String, Price> prices;

    /**
     * @param prices          by {@code provider/model}
     * @param configured      the model names that are always their own tag: mixtures' ids, their members'
     *                        {@code provider/model} ids and upstream names, the providers' listed models
     * @param maxChosenModels how many other model names, chosen by clients, get a tag of their own
     * @param captureContent  whether spans carry prompts and answers as events
     */
    public Telemetry(MeterRegistry registry, OpenTelemetry openTelemetry, Map<String, Price> prices,
            Set<String> configured, int maxChosenModels, boolean captureContent, JsonMapper json) {
        this.meters = new GatewayMeters(registry);
        this.tracer = openTelemetry.getTracer("moa-gateway");
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        this.prices = Map.copyOf(prices);
        this.models = new ModelNames(configured, maxChosenModels);
        this.captureContent = captureContent;
        this.json = json;
        // OpenTelemetry finds its context storage with a ServiceLoader, which reads jars, on first use: at start
        // here, rather than on an event loop at the first request.
        Context.root();
    }

    /**
     * A request's scope, its server span continuing the caller's trace when {@code headers} carry one.
     *
     * @param spanName {@code method route}, from a bounded set of routes
     * @param counted  whether it is a chat completion, measured as one (and counted as active) whatever its end
     */
    public RequestScope request(String requestId, String spanName, String method, String path, HttpHeaders headers,
            boolean counted) {
        return RequestScope.start(this, requestId, spanName, method, path, headers, counted);
    }

    Price price(String provider, String model) {
        return prices.get(provider + "/" + model);
    }
}
