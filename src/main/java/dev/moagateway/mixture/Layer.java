package dev.moagateway.mixture;

import java.util.List;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Proposers that answer concurrently. The layer succeeds when at least {@code minProposers} of them give
 * a non-empty answer; the others are dropped.
 */
public record Layer(@DefaultValue("1") int minProposers, List<ModelCall> proposers) {

    public Layer {
        if (proposers == null || proposers.isEmpty()) {
            throw new IllegalArgumentException("a layer needs at least one proposer");
        }
        if (minProposers < 1 || minProposers > proposers.size()) {
            throw new IllegalArgumentException("min-proposers must be between 1 and the number of proposers ("
                    + proposers.size() + "), got " + minProposers);
        }
        proposers = List.copyOf(proposers);
    }
}
