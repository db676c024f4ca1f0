package dev.moagateway.mixture;

import java.util.List;

import dev.moagateway.openai.ChatCompletionChunk;
import dev.moagateway.openai.Usage;

/**
 * What happens in one mixture run, in order: the run starts; each layer starts, its proposers' text arrives
 * and each proposal settles, then the layer settles; the aggregator's analyst, when it has one, starts and
 * settles; the aggregator starts, its chunks arrive, it settles; the run finishes. Events of one layer's proposers interleave as they come. The complete answer, the
 * stream, the progress account and the trace are all views of these events.
 */
public sealed interface MixtureEvent {

    /** The run's shape: each layer's proposers, then the aggregator, all as {@code provider/model}. */
    record RunStarted(String mixture, List<List<String>> layers, String aggregator) implements MixtureEvent {
    }

    /** Layer {@code layer} (from 1) asks its proposers. */
    record LayerStarted(int layer, List<String> proposers) implements MixtureEvent {
    }

    /**
     * Text of proposer {@code index} (from 0) of layer {@code layer}, as it streams; {@code sample} says which
     * of its model's samples it is, from 1, or is null.
     */
    record DraftDelta(int layer, int index, String model, Integer sample, String text) implements MixtureEvent {

        /** The model, and which sample when it is one. */
        public String label() {
            return sample == null ? model : model + " #" + sample;
        }
    }

    /** A proposer's call ended; the report says how. Every started proposer settles exactly once. */
    record ProposalSettled(int layer, int index, CallReport report) implements MixtureEvent {
    }

    /** Every proposer of the layer has settled; {@code proposals} are in configured order. */
    record LayerSettled(int layer, List<CallReport> proposals, long durationMs) implements MixtureEvent {

        public long answered() {
            return proposals.stream().filter(CallReport::answered).count();
        }
    }

    /** The aggregator's analyst is asked to analyse {@code drafts} references. */
    record AnalysisStarted(String model, int drafts) implements MixtureEvent {
    }

    /**
     * The analyst's call ended. When it answered, the report's text is the analysis the aggregator is given;
     * otherwise the aggregator answers from the drafts alone.
     */
    record AnalysisSettled(CallReport report) implements MixtureEvent {
    }

    /** The aggregator is asked, with {@code drafts} references. */
    record AggregatorStarted(String model, int drafts) implements MixtureEvent {
    }

    /** A chunk of the aggregator's answer with at least one choice, as the provider sent it. */
    record AnswerChunk(ChatCompletionChunk chunk) implements MixtureEvent {
    }

    /** The aggregator's call ended with an answer. */
    record AggregatorSettled(CallReport report) implements MixtureEvent {
    }

    /** The run is over; {@code usage} sums every call it made, {@code costUsd} those with a price (or is null). */
    record RunFinished(Usage usage, Double costUsd, long durationMs) implements MixtureEvent {
    }
}
