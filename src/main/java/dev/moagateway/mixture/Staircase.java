package dev.moagateway.mixture;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The shape of a staircase aggregation.
 *
 * @param chunkTokens the tokens each live draft gains before the next step, and the most a step before the
 *                    last may write
 */
public record Staircase(@DefaultValue("32") int chunkTokens) {

    public static final Staircase DEFAULT = new Staircase(32);

    public Staircase {
        if (chunkTokens < 1) {
            throw new InvalidSetting("staircase.chunk-tokens", "staircase.chunk-tokens must be at least 1, got "
                    + chunkTokens);
        }
    }
}
