package dev.moagateway.mixture;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * A virtual model as configured: layers of proposers, then an aggregator whose answer is the mixture's
 * answer, where its answers carry the account of the run unless a request says otherwise, and when the
 * aggregator starts.
 */
public record Mixture(List<Layer> layers, ModelCall aggregator, @DefaultValue("none") Progress progress,
        @DefaultValue("full") Aggregation aggregation, @DefaultValue Staircase staircase) {

    /** A mixture whose aggregator starts once the last layer has settled. */
    public Mixture(List<Layer> layers, ModelCall aggregator, Progress progress) {
        this(layers, aggregator, progress, Aggregation.FULL, Staircase.DEFAULT);
    }

    @ConstructorBinding
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
        aggregation = aggregation == null ? Aggregation.FULL : aggregation;
        staircase = staircase == null ? Staircase.DEFAULT : staircase;
        if (aggregation == Aggregation.STAIRCASE && aggregator.analysis() != null) {
            throw new InvalidSetting("aggregator.analysis", "a staircase aggregator starts before the drafts are "
                    + "complete, so it cannot have them analysed first");
        }
    }

    /** The mixture with other layers and aggregator, and everything else as it is. */
    public Mixture with(List<Layer> newLayers, ModelCall newAggregator) {
        return new Mixture(newLayers, newAggregator, progress, aggregation, staircase);
    }

    public boolean staircased() {
        return aggregation == Aggregation.STAIRCASE;
    }

    /**
     * What names a provider not in {@code providers}, each keyed by its place under {@code prefix}: the checks
     * a mixture cannot make alone, the same for configured and per-request mixtures.
     */
    public List<InvalidSetting> unknownProviders(String prefix, Set<String> providers) {
        List<InvalidSetting> problems = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            List<ModelCall> proposers = layers.get(l).proposers();
            for (int p = 0; p < proposers.size(); p++) {
                checkProvider(prefix + ".layers[" + l + "].proposers[" + p + "].model", proposers.get(p), providers)
                        .ifPresent(problems::add);
            }
        }
        checkProvider(prefix + ".aggregator.model", aggregator, providers).ifPresent(problems::add);
        if (aggregator.analysis() != null && aggregator.analysis().model() != null) {
            checkProvider(prefix + ".aggregator.analysis.model", aggregator.analyst().orElseThrow(), providers)
                    .ifPresent(problems::add);
        }
        return problems;
    }

    private static Optional<InvalidSetting> checkProvider(String key, ModelCall call, Set<String> providers) {
        String provider = call.ref().provider();
        return providers.contains(provider) ? Optional.empty() : Optional.of(new InvalidSetting(key,
                "unknown provider '" + provider + "' in '" + call.model() + "' (providers: "
                        + String.join(", ", providers) + ")"));
    }

    /** Every model the mixture calls, in the order it calls them: proposers, the analyst if any, the aggregator. */
    public Stream<ModelCall> calls() {
        return Stream.of(layers.stream().flatMap(layer -> layer.proposers().stream()), aggregator.analyst().stream(),
                Stream.of(aggregator)).flatMap(calls -> calls);
    }
}
