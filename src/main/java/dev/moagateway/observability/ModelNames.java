package dev.moagateway.observability;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Model names as tags: the configured ones always, a client's own choice only while fewer than {@code cap}
 * such names have been seen, and {@code other} after that, so no client can grow the registry without bound.
 */
final class ModelNames {

    static final String OTHER = "other";

    private final Set<String> configured;
    private final Set<String> chosen = ConcurrentHashMap.newKeySet();
    private final int cap;

    ModelNames(Set<String> configured, int cap) {
        this.configured = Set.copyOf(configured);
        this.cap = cap;
    }

    String tag(String model) {
        if (configured.contains(model) || chosen.contains(model)) {
            return model;
        }
        // Two threads may both pass the size check: the cap is soft by at most the number of event loops.
        if (chosen.size() < cap && chosen.add(model)) {
            return model;
        }
        return chosen.contains(model) ? model : OTHER;
    }
}
