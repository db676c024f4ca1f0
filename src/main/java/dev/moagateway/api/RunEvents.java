package dev.moagateway.api;

import dev.moagateway.mixture.MixtureEvent;
import dev.moagateway.mixture.MixtureEvent.AggregatorSettled;
import dev.moagateway.mixture.MixtureEvent.AggregatorStarted;
import dev.moagateway.mixture.MixtureEvent.AnalysisSettled;
import dev.moagateway.mixture.MixtureEvent.AnalysisStarted;
import dev.moagateway.mixture.MixtureEvent.DraftDelta;
import dev.moagateway.mixture.MixtureEvent.LayerSettled;
import dev.moagateway.mixture.MixtureEvent.LayerStarted;
import dev.moagateway.mixture.MixtureEvent.ProposalSettled;
import dev.moagateway.mixture.MixtureEvent.RunFinished;
import dev.moagateway.mixture.MixtureEvent.RunStarted;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The run's events as named server-sent events ({@code event: moa}), for clients that asked with
 * {@code "moa": {"events": true}}: each a JSON object with a {@code type}. The aggregator's answer is not
 * among them: it is the stream's ordinary chunks. Version 1; fields may be added, none removed or renamed.
 */
final class RunEvents {

    static final int VERSION = 1;

    private final JsonMapper json;

    RunEvents(JsonMapper json) {
        this.json = json;
    }

    /** The frame for this event, or null for the answer's chunks. */
    String frame(MixtureEvent event) {
        ObjectNode data = data(event);
        return data == null ? null : "event: moa\ndata: " + json.writeValueAsString(data) + "\n\n";
    }

    private ObjectNode data(MixtureEvent event) {
        if (event instanceof RunStarted started) {
            ObjectNode data = typed("run.started").put("version", VERSION).put("mixture", started.mixture());
            for (int i = 0; i < started.layers().size(); i++) {
                data.withArray("layers").addObject().put("layer", i + 1)
                        .set("proposers", json.valueToTree(started.layers().get(i)));
            }
            return data.put("aggregator", started.aggregator());
        }
        if (event instanceof LayerStarted layer) {
            return typed("layer.started").put("layer", layer.layer())
                    .set("proposers", json.valueToTree(layer.proposers()));
        }
        if (event instanceof DraftDelta delta) {
            ObjectNode data = typed("draft.delta").put("layer", delta.layer()).put("index", delta.index())
                    .put("model", delta.model());
            if (delta.sample() != null) {
                data.put("sample", delta.sample());
            }
            return data.put("text", delta.text());
        }
        if (event instanceof ProposalSettled settled) {
            ObjectNode data = typed("proposal.settled").put("layer", settled.layer());
            return data.setAll((ObjectNode) json.valueToTree(RunTrace.CallTrace.of(settled.index(), settled.report())
                    .withoutText()));
        }
        if (event instanceof LayerSettled layer) {
            return typed("layer.settled").put("layer", layer.layer()).put("answered", layer.answered())
                    .put("total", layer.proposals().size()).put("duration_ms", layer.durationMs());
        }
        if (event instanceof AnalysisStarted analysis) {
            return typed("analysis.started").put("model", analysis.model()).put("drafts", analysis.drafts());
        }
        if (event instanceof AnalysisSettled settled) {
            // The analysis does not stream: it comes whole, here.
            return typed("analysis.settled").setAll((ObjectNode) json.valueToTree(
                    RunTrace.CallTrace.of(null, settled.report())));
        }
        if (event instanceof AggregatorStarted aggregator) {
            return typed("aggregator.started").put("model", aggregator.model()).put("drafts", aggregator.drafts());
        }
        if (event instanceof AggregatorSettled settled) {
            return typed("aggregator.settled").setAll((ObjectNode) json.valueToTree(
                    RunTrace.CallTrace.of(null, settled.report())));
        }
        if (event instanceof RunFinished finished) {
            ObjectNode done = typed("run.finished").put("duration_ms", finished.durationMs())
                    .set("usage", json.valueToTree(finished.usage()));
            return finished.costUsd() == null ? done : done.put("cost_usd", finished.costUsd());
        }
        return null;
    }

    private ObjectNode typed(String type) {
        return json.createObjectNode().put("type", type);
    }
}
