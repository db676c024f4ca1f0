package dev.moagateway.mixture;

import dev.moagateway.openai.Usage;
import dev.moagateway.upstream.Outcome;

/**
 * How one upstream call of a mixture went: a proposer's, the analyst's or the aggregator's.
 *
 * @param model        the configured {@code provider/model}
 * @param sample       which of its proposer's samples the call was, from 1; null when it is not sampled
 * @param text         the answer, for an answered proposer or analyst; null otherwise and for the aggregator
 * @param error        why the call failed, written to be shown; null when it did not
 * @param usage        the provider's usage, or null when it sent none
 * @param firstTokenMs from the call's start to its first text, or null when none came
 * @param durationMs   from the call's start to its end
 * @param costUsd      what it cost at the configured price, or null when it has none or the usage is unknown
 */
public record CallReport(String model, Integer sample, Outcome outcome, String text, String error, Usage usage, Long firstTokenMs,
        long durationMs, Double costUsd) {

    CallReport withCost(Double cost) {
        return new CallReport(model, sample, outcome, text, error, usage, firstTokenMs, durationMs, cost);
    }

    /** The model, and which sample when it is one: how people are shown the call. */
    public String label() {
        return sample == null ? model : model + " #" + sample;
    }

    public boolean answered() {
        return outcome == Outcome.ANSWERED;
    }
}
