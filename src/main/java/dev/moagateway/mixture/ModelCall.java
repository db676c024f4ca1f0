package dev.moagateway.mixture;

import java.util.Map;

import dev.moagateway.upstream.ModelRef;

/**
 * One model's place in a mixture as configured, a proposer or the aggregator, with the sampling parameters
 * it uses instead of the client's. {@code params} holds any other request field ({@code top_k: 40},
 * {@code seed: 7}); each value is read as JSON when it is JSON, else as a string.
 */
public record ModelCall(String model, Double temperature, Integer maxTokens, Double topP, String systemPrompt,
        Map<String, String> params) {

    public ModelCall {
        if (ModelRef.parse(model).isEmpty()) {
            throw new IllegalArgumentException("model must be 'provider/model', got '" + model + "'");
        }
        params = params == null ? Map.of() : Map.copyOf(params);
    }

    public ModelRef ref() {
        return ModelRef.parse(model).orElseThrow();
    }
}
