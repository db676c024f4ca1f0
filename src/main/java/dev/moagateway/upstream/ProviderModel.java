package dev.moagateway.upstream;

/**
 * What is known of one of a provider's models, as listed under {@code moa.providers.<name>.models}.
 *
 * @param id            the provider's own model name, which may contain {@code /}
 * @param price         what it costs, or null when unknown
 * @param contextWindow the tokens its prompt and answer may take together, or null when unknown: then the
 *                      references it is sent are never shortened
 */
public record ProviderModel(String id, Price price, Integer contextWindow) {

    public ProviderModel {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("models[].id is required");
        }
        if (contextWindow != null && contextWindow < 1) {
            throw new IllegalArgumentException("models[].context-window must be at least 1, got " + contextWindow);
        }
    }

    /** US dollars per million tokens, of the prompt ({@code input}) and of the answer ({@code output}). */
    public record Price(double input, double output) {

        public Price {
            if (input < 0 || output < 0 || !Double.isFinite(input) || !Double.isFinite(output)) {
                throw new IllegalArgumentException("a price must be a finite number of USD, not negative");
            }
        }

        /** What a call with these counts cost, in USD. */
        public double of(long inputTokens, long outputTokens) {
            return (Math.max(0, inputTokens) * input + Math.max(0, outputTokens) * output) / 1_000_000;
        }
    }
}
