package dev.moagateway.mixture;

/**
 * The aggregator's first step, when configured: a call that analyses the drafts (where they agree, where they
 * contradict each other, what only some cover, what one alone has, what all miss), after which the aggregator
 * writes the answer from the drafts and that analysis.
 *
 * @param model       the analyst's {@code provider/model}; null for the aggregator's own
 * @param temperature the analyst's; 0 unless set, so that the analysis is as plain as the model can make it
 * @param maxTokens   the analysis' length cap, or null for none
 */
public record Analysis(String model, Double temperature, Integer maxTokens) {

    public Analysis {
        temperature = temperature == null ? 0.0 : temperature;
    }

    /** The analyst's call, for an aggregator that calls {@code aggregatorModel}; its mistakes keyed under here. */
    ModelCall call(String aggregatorModel) {
        try {
            return new ModelCall(model != null ? model : aggregatorModel, temperature, maxTokens, null, null, null,
                    null, null, null, null, null);
        }
        catch (InvalidSetting invalid) {
            throw new InvalidSetting("analysis." + invalid.key(), "analysis." + invalid.getMessage());
        }
    }
}
