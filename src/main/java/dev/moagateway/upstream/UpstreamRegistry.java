package dev.moagateway.upstream;

import java.util.Map;
import java.util.Optional;

/** The configured providers by name, and the context windows known of their models. */
public final class UpstreamRegistry {

    private final Map<String, Upstream> providers;
    private final Map<String, ContextWindow> contextWindows;

    public UpstreamRegistry(Map<String, Upstream> providers) {
        this(providers, Map.of());
    }

    /** {@code contextWindows} by {@code provider/model}. */
    public UpstreamRegistry(Map<String, Upstream> providers, Map<String, ContextWindow> contextWindows) {
        this.providers = Map.copyOf(providers);
        this.contextWindows = Map.copyOf(contextWindows);
    }

    public Optional<Upstream> find(String provider) {
        return Optional.ofNullable(providers.get(provider));
    }

    public Optional<ContextWindow> contextWindow(ModelRef model) {
        return Optional.ofNullable(contextWindows.get(model.provider() + "/" + model.model()));
    }
}
