package dev.moagateway.mixture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.moagateway.upstream.UpstreamRegistry;

/**
 * A configured mixture resolved at start into what a run needs: every member's provider found and its
 * parameters parsed, so no request can fail on configuration.
 */
public final class MixturePlan implements Route {

    private final String id;
    private final Mixture mixture;
    private final List<LayerPlan> layers;
    private final Member analyst;
    private final Member aggregator;
    private final Progress progress;

    private MixturePlan(String id, Mixture mixture, List<LayerPlan> layers, Member analyst, Member aggregator,
            Progress progress) {
        this.id = id;
        this.mixture = mixture;
        this.layers = layers;
        this.analyst = analyst;
        this.aggregator = aggregator;
        this.progress = progress;
    }

    /** Errors with {@link IllegalArgumentException} naming the member whose provider is not configured. */
    static MixturePlan resolve(String id, Mixture mixture, UpstreamRegistry upstreams) {
        List<LayerPlan> layers = new ArrayList<>();
        for (int i = 0; i < mixture.layers().size(); i++) {
            Layer layer = mixture.layers().get(i);
            List<Member> proposers = layer.proposers().stream().flatMap(call -> members(call, upstreams).stream())
                    .toList();
            layers.add(new LayerPlan(i + 1, proposers, layer.minProposers(), layer.deadline(), layer.grace()));
        }
        Member analyst = mixture.aggregator().analyst().map(call -> members(call, upstreams).get(0)).orElse(null);
        return new MixturePlan(id, mixture, List.copyOf(layers), analyst, members(mixture.aggregator(), upstreams)
                .get(0), mixture.progress());
    }

    private static List<Member> members(ModelCall call, UpstreamRegistry upstreams) {
        return Member.of(call, upstreams.find(call.ref().provider()).orElseThrow(() -> new IllegalArgumentException(
                "no provider '" + call.ref().provider() + "' for '" + call.model() + "'")),
                upstreams.contextWindow(call.ref()).orElse(null));
    }

    /** The id clients ask for. */
    public String id() {
        return id;
    }

    /** The mixture as configured. */
    Mixture mixture() {
        return mixture;
    }

    /** Where answers carry the run's account unless the request says otherwise. */
    public Progress progress() {
        return progress;
    }

    /** The models it calls, each once, in order: every layer's proposers, the analyst if any, the aggregator. */
    public List<String> memberIds() {
        Set<String> ids = new LinkedHashSet<>();
        layers.forEach(layer -> ids.addAll(layer.ids()));
        if (analyst != null) {
            ids.add(analyst.id());
        }
        ids.add(aggregator.id());
        return List.copyOf(ids);
    }

    /** The aggregator's {@code provider/model}. */
    public String aggregatorId() {
        return aggregator.id();
    }

    List<LayerPlan> layers() {
        return layers;
    }

    Member aggregator() {
        return aggregator;
    }

    /** How the aggregator climbs the last layer's drafts as they grow, or null when it waits for them all. */
    Staircase staircase() {
        return mixture.staircased() ? mixture.staircase() : null;
    }

    /** The call that analyses the last layer's drafts before the aggregator answers, or null for none. */
    Member analyst() {
        return analyst;
    }

    /**
     * One layer: {@code number} counts from 1; {@code deadline} and {@code grace} may be null (wait for every
     * proposer).
     */
    record LayerPlan(int number, List<Member> proposers, int minProposers, Duration deadline, Duration grace) {

        List<String> ids() {
            return proposers.stream().map(Member::id).toList();
        }
    }
}
