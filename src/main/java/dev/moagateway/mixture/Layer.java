package dev.moagateway.mixture;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Proposers that answer concurrently. The layer succeeds when at least {@code minProposers} of its calls (a
 * sampled proposer makes several) give a non-empty answer; the others are dropped. With a {@code deadline},
 * the layer goes on when it passes with the answers it has, and the calls still working are cancelled, so a
 * straggler cannot set the pace of the mixture. With a {@code grace}, it goes on that long after
 * {@code minProposers} have answered, the deadline still the hard cap; without either, it waits for every
 * call.
 */
public record Layer(@DefaultValue("1") int minProposers, List<ModelCall> proposers, Duration deadline,
        Duration grace) {

    public Layer {
        if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
            throw new InvalidSetting("deadline", "deadline must be a positive duration, got " + deadline);
        }
        if (grace != null && grace.isNegative()) {
            throw new InvalidSetting("grace", "grace must not be negative, got " + grace);
        }
        if (proposers == null || proposers.isEmpty()) {
            throw new InvalidSetting("proposers", "a layer needs at least one proposer");
        }
        proposers = List.copyOf(proposers);
        for (int p = 0; p < proposers.size(); p++) {
            if (proposers.get(p).analysis() != null) {
                throw new InvalidSetting("proposers[" + p + "].analysis", "analysis is a step of the aggregator's, "
                        + "not a proposer's");
            }
        }
        int calls = calls(proposers);
        if (minProposers < 1 || minProposers > calls) {
            throw new InvalidSetting("min-proposers", "min-proposers must be between 1 and the number of "
                    + "proposers' calls (" + calls + "), got " + minProposers);
        }
    }

    /** How many calls the layer makes: one per proposer, or its samples. */
    public int calls() {
        return calls(proposers);
    }

    private static int calls(List<ModelCall> proposers) {
        return proposers.stream().mapToInt(ModelCall::samples).sum();
    }
}
