package dev.moagateway.mixture;

import java.util.List;
import java.util.stream.Stream;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * A virtual model as configured: layers of proposers, then an aggregator whose answer is the mixture's
 * answer, and where its answers carry the account of the run unless a request says otherwise.
 */
public record Mixture(List<Layer> layers, ModelCall aggregator, @DefaultValue("none") Progress progress) {

    public Mixture {
        if (layers == null || layers.isEmpty()) {
            throw new InvalidSetting("layers", "a mixture needs at least one layer");
        }
        if (aggregator == null) {
            throw new InvalidSetting("aggregator", "a mixture needs an aggregator");
        }
        if (aggregator.sampled()) {
            throw new InvalidSetting("aggregator.samples", "the aggregator writes one answer: samples, "
                    + "temperatures, seeds and system-prompts are for proposers");
        }
        layers = List.copyOf(layers);
        progress = progress == null ? Progress.NONE : progress;
    }

    /** Every model the mixture calls, proposers first, in configuration order. */
    public Stream<ModelCall> calls() {
        return Stream.concat(layers.stream().flatMap(layer -> layer.proposers().stream()), Stream.of(aggregator));
    }
}
