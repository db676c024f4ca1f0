package dev.moagateway.mixture;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The configured mixtures by id. */
public final class Mixtures {

    private final Map<String, Mixture> byId;

    public Mixtures(Map<String, Mixture> byId) {
        this.byId = new TreeMap<>(byId);
    }

    public Optional<Mixture> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Set<String> ids() {
        return byId.keySet();
    }

    /** The {@code provider/model} ids the mixtures call, sorted. */
    public Set<String> calledModels() {
        Set<String> models = new TreeSet<>();
        byId.values().forEach(mixture -> mixture.calls().forEach(call -> models.add(call.model())));
        return models;
    }
}
