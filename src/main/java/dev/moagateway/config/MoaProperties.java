package dev.moagateway.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.moagateway.mixture.Mixture;
import dev.moagateway.upstream.ModelRef;
import dev.moagateway.upstream.Prefill;
import dev.moagateway.upstream.ProviderSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Everything under {@code moa.*}. Each part checks itself as it is bound; this record checks what spans
 * parts (a model naming a provider, a mixture id shadowing a provider) so a bad file stops the start with
 * a message that names the key.
 *
 * @param apiKeys           keys clients must send as {@code Authorization: Bearer}; none means no auth
 * @param providers         OpenAI-compatible endpoints by name; {@code demo} is built in
 * @param models            mixtures by the model id clients ask for
 * @param keepAliveInterval how often a stream that has nothing to send yet gets a keep-alive comment
 * @param demo              the built-in simulated provider
 * @param limits            bounds on what one request, and all of them together, may take
 * @param trace             whether requests may ask for the trace of a mixture's run
 * @param cors              which browser origins may call the API
 * @param telemetry         what metrics and traces may hold
 * @param overrides         whether and how far requests may bring their own layers and aggregator
 * @param maxDepth          the {@code x-moa-depth} at which a mixture request is refused: how many gateways'
 *                          mixtures one request may pass through, so that gateways calling each other stop
 * @param responses         how long the Responses API keeps responses for {@code previous_response_id}
 */
@ConfigurationProperties("moa")
public record MoaProperties(List<String> apiKeys, Map<String, ProviderSettings> providers,
        Map<String, Mixture> models, @DefaultValue("10s") Duration keepAliveInterval, @DefaultValue Demo demo,
        @DefaultValue Limits limits, @DefaultValue Trace trace, @DefaultValue Cors cors,
        @DefaultValue Telemetry telemetry, @DefaultValue Overrides overrides, @DefaultValue("2") int maxDepth,
        @DefaultValue Responses responses) {

    public static final String DEMO_PROVIDER = "demo";

    public MoaProperties {
        apiKeys = apiKeys == null ? List.of() : apiKeys.stream().filter(key -> !key.isBlank()).toList();
        providers = providers == null ? Map.of() : new LinkedHashMap<>(providers);
        models = models == null ? Map.of() : new LinkedHashMap<>(models);
        if (providers.containsKey(DEMO_PROVIDER)) {
            throw new IllegalArgumentException("moa.providers.demo: 'demo' is the built-in simulated provider; "
                    + "give yours another name");
        }
        if (maxDepth < 1) {
            throw new IllegalArgumentException("moa.max-depth must be at least 1, got " + maxDepth);
        }
        if (keepAliveInterval.isNegative() || keepAliveInterval.isZero()) {
            throw new IllegalArgumentException("moa.keep-alive-interval must be positive, got " + keepAliveInterval);
        }
        List<String> problems = problems(providers, models);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** The configured providers' names and the built-in one. */
    public Set<String> providerNames() {
        return providerNames(providers);
    }

    private static Set<String> providerNames(Map<String, ProviderSettings> providers) {
        Set<String> names = new TreeSet<>(providers.keySet());
        names.add(DEMO_PROVIDER);
        return names;
    }

    private static List<String> problems(Map<String, ProviderSettings> settings, Map<String, Mixture> models) {
        Set<String> providers = providerNames(settings);
        List<String> problems = new ArrayList<>();
        models.forEach((id, mixture) -> {
            ModelRef.parse(id)
                    .filter(ref -> providers.contains(ref.provider()))
                    .ifPresent(ref -> problems.add("moa.models." + id + ": the id collides with the model '"
                            + ref.model() + "' of provider '" + ref.provider() + "'; choose an id without '"
                            + ref.provider() + "/'"));
            mixture.unknownProviders("moa.models." + id, providers)
                    .forEach(problem -> problems.add(problem.key() + ": " + problem.getMessage()));
            String aggregatorProvider = mixture.aggregator().ref().provider();
            ProviderSettings aggregatorSettings = settings.get(aggregatorProvider);
            if (mixture.staircased() && aggregatorSettings != null && aggregatorSettings.prefill() == Prefill.NONE) {
                problems.add("moa.providers." + aggregatorProvider + ".prefill: mixture '" + id + "' aggregates as a "
                        + "staircase, so its aggregator's provider must continue a trailing assistant message; set "
                        + "prefill to continue-final-message (vLLM, SGLang) or native (llama.cpp)");
            }
        });
        return problems;
    }

    /**
     * @param maxRequestSize        the largest request body; base64 images make bodies large
     * @param maxHeaderSize         the largest total of request headers
     * @param maxJsonDepth          the deepest nesting of a request's JSON
     * @param maxConcurrentRequests chat completions in progress at once; more are refused with 429
     */
    public record Limits(@DefaultValue("16MB") DataSize maxRequestSize, @DefaultValue("32KB") DataSize maxHeaderSize,
            @DefaultValue("64") int maxJsonDepth, @DefaultValue("2048") int maxConcurrentRequests) {

        public Limits {
            if (maxRequestSize.toBytes() < 1 || maxHeaderSize.toBytes() < 1 || maxJsonDepth < 1
                    || maxConcurrentRequests < 1) {
                throw new IllegalArgumentException("moa.limits.* must all be positive");
            }
        }
    }

    /** @param enabled false ignores every request for a trace */
    public record Trace(@DefaultValue("true") boolean enabled) {
    }

    /**
     * @param allowedOrigins origins (such as {@code https://chat.example.com}, or {@code *}) whose pages may
     *                       call the API from a browser; none by default
     */
    public record Cors(List<String> allowedOrigins) {

        public Cors {
            allowedOrigins = allowedOrigins == null ? List.of()
                    : allowedOrigins.stream().filter(origin -> !origin.isBlank()).toList();
        }
    }

    /**
     * @param captureContent whether upstream calls' spans carry the prompt and, where the gateway holds it, the
     *                       answer, as span events: users' data, so off by default
     * @param maxModelSeries how many model ids that clients choose (passthrough {@code provider/model} not in
     *                       the configuration) get series of their own; the rest are counted as {@code other}
     */
    public record Telemetry(@DefaultValue("false") boolean captureContent,
            @DefaultValue("100") int maxModelSeries) {

        public Telemetry {
            if (maxModelSeries < 0) {
                throw new IllegalArgumentException("moa.telemetry.max-model-series must not be negative, got "
                        + maxModelSeries);
            }
        }
    }

    /**
     * @param enabled      whether a request's {@code moa.layers} and {@code moa.aggregator} may replace its
     *                     mixture's
     * @param maxLayers    layers a request's mixture may have
     * @param maxProposers calls one of its layers may make, samples counted
     * @param maxCalls     calls its run may make in all, the aggregator's included
     */
    public record Overrides(@DefaultValue("false") boolean enabled, @DefaultValue("3") int maxLayers,
            @DefaultValue("8") int maxProposers, @DefaultValue("16") int maxCalls) {
    }

    /**
     * @param maxEntries responses kept in memory, the least recently used dropped first; 0 keeps none
     * @param ttl        how long each is kept after it was written
     */
    public record Responses(@DefaultValue("1000") int maxEntries, @DefaultValue("1h") Duration ttl) {

        public Responses {
            if (maxEntries < 0) {
                throw new IllegalArgumentException("moa.responses.max-entries must not be negative, got "
                        + maxEntries);
            }
            if (ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("moa.responses.ttl must be positive, got " + ttl);
            }
        }
    }

    /** @param speed divides the simulated models' delays: 1 is a realistic pace */
    public record Demo(@DefaultValue("1.0") double speed) {

        public Demo {
            if (speed <= 0) {
                throw new IllegalArgumentException("moa.demo.speed must be positive, got " + speed);
            }
        }
    }
}
