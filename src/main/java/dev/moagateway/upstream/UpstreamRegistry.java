package dev.moagateway.upstream;

import java.util.Map;
import java.util.Optional;

/** The configured providers by name. */
public final class UpstreamRegistry {

    private final Map<String, Upstream> providers;

    public UpstreamRegistry(Map<String, Upstream> providers) {
        this.providers = Map.copyOf(providers);
    }

    public Optional<Upstream> find(String provider) {
        return Optional.ofNullable(providers.get(provider));
    }
}
