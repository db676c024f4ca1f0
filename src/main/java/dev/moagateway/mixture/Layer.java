package dev.moagateway.mixture;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Proposers that answer concurrently. The layer succeeds when at least {@code minProposers} of them give
 * a non-empty answer; the others are dropped. With a {@code deadline}, the layer goes on when it passes
 * with the answers it has, and the proposers still working are cancelled, so a straggler cannot set the
 * pace of the mixture. With a {@code grace}, it goes on that long after {@code minProposers} have answered,
 * the deadline still the hard cap; without either, it waits for every proposer.
 */
public record Layer(@DefaultValue("1") int minProposers, List<ModelCall> proposers, Duration deadline,
        Duration grace) {

    public Layer {
        if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
            throw new IllegalArgumentException("deadline must be a positive duration, got " + deadline);
        }
        if (grace != null && grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative, got " + grace);
        }
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
