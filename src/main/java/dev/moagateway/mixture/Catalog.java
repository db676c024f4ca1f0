package dev.moagateway.mixture;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import dev.moagateway.upstream.ModelRef;
import dev.moagateway.upstream.UpstreamRegistry;

/**
 * The models served here: the configured mixtures, resolved once at start, and {@code provider/model} for
 * any configured provider.
 */
public final class Catalog {

    private final Map<String, MixturePlan> mixtures = new TreeMap<>();
    private final Map<String, String> calledModels = new TreeMap<>();
    private final UpstreamRegistry upstreams;

    /** Errors with {@link IllegalArgumentException} when a mixture names a provider that is not configured. */
    public Catalog(Map<String, Mixture> configured, UpstreamRegistry upstreams) {
        this.upstreams = upstreams;
        configured.forEach((id, mixture) -> {
            mixtures.put(id, MixturePlan.resolve(id, mixture, upstreams));
            mixture.calls().forEach(call -> calledModels.put(call.model(), call.ref().provider()));
        });
    }

    /** The mixture of that id, else the passthrough to a configured provider, else empty. */
    public Optional<Route> route(String model) {
        MixturePlan mixture = mixtures.get(model);
        if (mixture != null) {
            return Optional.of(mixture);
        }
        return ModelRef.parse(model).flatMap(ref -> upstreams.find(ref.provider())
                .map(upstream -> new Passthrough(ref.provider(), upstream, ref.model())));
    }

    /** The mixtures' ids, sorted. */
    public Set<String> mixtureIds() {
        return mixtures.keySet();
    }

    /** The {@code provider/model} ids the mixtures call, sorted, each with its provider's name. */
    public Map<String, String> calledModels() {
        return calledModels;
    }
}
