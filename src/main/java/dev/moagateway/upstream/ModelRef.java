package dev.moagateway.upstream;

import java.util.Optional;

/** {@code provider/model}: a provider name, then the provider's own model id, which may contain '/'. */
public record ModelRef(String provider, String model) {

    public static Optional<ModelRef> parse(String id) {
        int slash = id == null ? -1 : id.indexOf('/');
        if (slash <= 0 || slash == id.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(new ModelRef(id.substring(0, slash), id.substring(slash + 1)));
    }

    @Override
    public String toString() {
        return provider + "/" + model;
    }
}
