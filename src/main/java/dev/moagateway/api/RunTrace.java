package dev.moagateway.api;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.moagateway.mixture.CallReport;
import dev.moagateway.mixture.MixtureEvent;
import dev.moagateway.mixture.MixtureEvent.AggregatorSettled;
import dev.moagateway.mixture.MixtureEvent.AnalysisSettled;
import dev.moagateway.mixture.MixtureEvent.LayerSettled;
import dev.moagateway.mixture.MixtureEvent.RunFinished;
import dev.moagateway.mixture.MixtureEvent.RunStarted;
import dev.moagateway.openai.Usage;

/**
 * The trace of a mixture run, the top-level {@code moa} object of an answer that asked for it: each layer's
 * proposals with their outcome, timings, usage, cost and text, the analyst's call with its analysis when the
 * aggregator has one, the aggregator's call, and the totals. Costs are there when prices are configured.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record RunTrace(String mixture, List<LayerTrace> layers, CallTrace analysis, CallTrace aggregator, Usage usage,
        @JsonProperty("cost_usd") Double costUsd) {

    record LayerTrace(int layer, @JsonProperty("duration_ms") long durationMs, List<CallTrace> proposals) {
    }

    /** One call; {@code index} is the proposer's place in its layer, null for the analyst and the aggregator. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CallTrace(Integer index, String model, Integer sample, String outcome, String error, Usage usage,
            @JsonProperty("first_token_ms") Long firstTokenMs, @JsonProperty("duration_ms") long durationMs,
            @JsonProperty("cost_usd") Double costUsd, String text) {

        static CallTrace of(Integer index, CallReport report) {
            return new CallTrace(index, report.model(), report.sample(), report.outcome().wireName(), report.error(), report.usage(),
                    report.firstTokenMs(), report.durationMs(), report.costUsd(), report.text());
        }

        /** Events carry the text as it streams, so their settled calls leave it out. */
        CallTrace withoutText() {
            return new CallTrace(index, model, sample, outcome, error, usage, firstTokenMs, durationMs, costUsd, null);
        }
    }

    /** Builds the trace from a run's events, as they come. */
    static final class Recorder {

        private final List<LayerTrace> layers = new ArrayList<>();
        private String mixture;
        private CallTrace analysis;
        private CallTrace aggregator;
        private Usage usage;
        private Double costUsd;

        void record(MixtureEvent event) {
            if (event instanceof RunStarted started) {
                mixture = started.mixture();
            }
            else if (event instanceof LayerSettled layer) {
                List<CallTrace> proposals = new ArrayList<>();
                for (int index = 0; index < layer.proposals().size(); index++) {
                    proposals.add(CallTrace.of(index, layer.proposals().get(index)));
                }
                layers.add(new LayerTrace(layer.layer(), layer.durationMs(), List.copyOf(proposals)));
            }
            else if (event instanceof AnalysisSettled settled) {
                analysis = CallTrace.of(null, settled.report());
            }
            else if (event instanceof AggregatorSettled settled) {
                aggregator = CallTrace.of(null, settled.report());
            }
            else if (event instanceof RunFinished finished) {
                usage = finished.usage();
                costUsd = finished.costUsd();
            }
        }

        RunTrace trace() {
            return new RunTrace(mixture, List.copyOf(layers), analysis, aggregator, usage, costUsd);
        }
    }
}
