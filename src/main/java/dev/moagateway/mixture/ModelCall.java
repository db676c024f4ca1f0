package dev.moagateway.mixture;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import dev.moagateway.upstream.ModelRef;

/**
 * One model's place in a mixture as configured, a proposer or the aggregator, with the sampling parameters
 * it uses instead of the client's. {@code params} holds any other request field ({@code top_k: 40},
 * {@code seed: 7}); each value is read as JSON when it is JSON, else as a string.
 *
 * <p>A proposer may be sampled: {@code samples} calls of the same model, each its own draft (Self-MoA). Sample
 * {@code k} takes the {@code k}-th of {@code temperatures}, {@code seeds} and {@code systemPrompts}, each
 * list cycled when it is shorter; without a list, every sample has the single setting. {@code samples}
 * defaults to the longest list's length, or 1.
 *
 * <p>The aggregator may have an {@code analysis}: a first call that analyses the drafts for it.
 */
public record ModelCall(String model, Double temperature, Integer maxTokens, Double topP, String systemPrompt,
        Map<String, String> params, Integer samples, List<Double> temperatures, List<Long> seeds,
        List<String> systemPrompts, Analysis analysis) {

    public ModelCall {
        if (ModelRef.parse(model).isEmpty()) {
            throw new InvalidSetting("model", "model must be 'provider/model', got '" + model + "'");
        }
        params = params == null ? Map.of() : Map.copyOf(params);
        temperatures = temperatures == null ? List.of() : List.copyOf(temperatures);
        seeds = seeds == null ? List.of() : List.copyOf(seeds);
        systemPrompts = systemPrompts == null ? List.of() : List.copyOf(systemPrompts);
        int longest = Stream.of(temperatures, seeds, systemPrompts).mapToInt(List::size).max().orElse(0);
        samples = samples != null ? samples : Math.max(1, longest);
        if (samples < 1) {
            throw new InvalidSetting("samples", "samples must be at least 1, got " + samples);
        }
        inRange("temperature", temperature, 0, 2);
        inRange("top-p", topP, 0, 1);
        temperatures.forEach(value -> inRange("temperatures", value, 0, 2));
        if (maxTokens != null && maxTokens < 1) {
            throw new InvalidSetting("max-tokens", "max-tokens must be at least 1, got " + maxTokens);
        }
        exclusive("temperature", temperature != null, "temperatures", temperatures);
        exclusive("system-prompt", systemPrompt != null, "system-prompts", systemPrompts);
        exclusive("params.seed", params.containsKey("seed"), "seeds", seeds);
        fits("temperatures", temperatures, samples);
        fits("seeds", seeds, samples);
        fits("system-prompts", systemPrompts, samples);
        if (analysis != null) {
            analysis.call(model);
        }
    }

    /** The call that analyses the drafts before this aggregator answers, if it has one. */
    public Optional<ModelCall> analyst() {
        return Optional.ofNullable(analysis).map(step -> step.call(model));
    }

    public ModelRef ref() {
        return ModelRef.parse(model).orElseThrow();
    }

    /** Whether it is called more than once, each call a sample. */
    public boolean sampled() {
        return samples > 1;
    }

    /** The temperature of sample {@code k} (from 0), or null for the client's. */
    Double temperature(int k) {
        return temperatures.isEmpty() ? temperature : temperatures.get(k % temperatures.size());
    }

    /** The system prompt of sample {@code k} (from 0), or null for none. */
    String systemPrompt(int k) {
        return systemPrompts.isEmpty() ? systemPrompt : systemPrompts.get(k % systemPrompts.size());
    }

    /** The other fields of sample {@code k} (from 0): {@code params}, and its seed. */
    Map<String, String> params(int k) {
        if (seeds.isEmpty()) {
            return params;
        }
        Map<String, String> withSeed = new LinkedHashMap<>(params);
        withSeed.put("seed", String.valueOf(seeds.get(k % seeds.size())));
        return withSeed;
    }

    private static void inRange(String key, Double value, double min, double max) {
        if (value != null && !(value >= min && value <= max)) {
            throw new InvalidSetting(key, key + " must be between " + (int) min + " and " + (int) max + ", got " + value);
        }
    }

    private static void exclusive(String single, boolean set, String list, List<?> values) {
        if (set && !values.isEmpty()) {
            throw new InvalidSetting(list, "set " + single + " or " + list + ", not both");
        }
    }

    private static void fits(String key, List<?> values, int samples) {
        if (values.size() > samples) {
            throw new InvalidSetting(key, key + " has " + values.size() + " entries for " + samples
                    + " samples; drop the extra ones or raise samples");
        }
    }
}
