package dev.moagateway.eval;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The interval and the length-controlled rate. */
class ScoreboardTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void theBootstrapIntervalHoldsTheRateAndStaysInsideZeroToOne(long seed) {
        Random scores = new Random(seed);
        double[] outcomes = new double[40];
        for (int i = 0; i < outcomes.length; i++) {
            outcomes[i] = scores.nextInt(3) / 2.0;
        }
        double rate = Arrays.stream(outcomes).average().orElseThrow();

        double[] interval = Scoreboard.bootstrap(outcomes, new Random(seed));

        assertThat(interval[0]).isBetween(0.0, rate);
        assertThat(interval[1]).isBetween(rate, 1.0);
        assertThat(interval[1] - interval[0]).as("40 prompts leave a real margin").isBetween(0.1, 0.5);
    }

    @Test
    void allWinsGiveATightIntervalAtOne() {
        double[] interval = Scoreboard.bootstrap(new double[] {1, 1, 1, 1, 1}, new Random(1));

        assertThat(interval).containsExactly(1.0, 1.0);
    }

    @Test
    void withoutALengthDifferenceTheLengthControlledRateIsTheRate() {
        double[] scores = {1, 1, 1, 0, 0.5, 1, 0, 1};

        assertThat(Scoreboard.lengthControlled(scores, new double[scores.length]))
                .isCloseTo(Arrays.stream(scores).average().orElseThrow(), within(0.01));
    }

    @Test
    void winningOnlyByWritingMoreCountsForLessOnceLengthIsControlled() {
        double[] scores = {1, 1, 1, 1, 0, 0, 1, 0};
        double[] longer = {300, 250, 400, 350, -50, -20, 280, -10};

        assertThat(Scoreboard.lengthControlled(scores, longer)).isLessThan(0.625);
    }
}
