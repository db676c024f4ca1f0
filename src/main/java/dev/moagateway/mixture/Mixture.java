package dev.moagateway.mixture;

import java.util.List;
import java.util.stream.Stream;

/** A virtual model: layers of proposers, then an aggregator whose answer is the mixture's answer. */
public record Mixture(List<Layer> layers, ModelCall aggregator) {

    public Mixture {
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException("a mixture needs at least one layer");
        }
        if (aggregator == null) {
            throw new IllegalArgumentException("a mixture needs an aggregator");
        }
        layers = List.copyOf(layers);
    }

    /** Every model the mixture calls, proposers first, in configuration order. */
    public Stream<ModelCall> calls() {
        return Stream.concat(layers.stream().flatMap(layer -> layer.proposers().stream()), Stream.of(aggregator));
    }
}
