package dev.moagateway.upstream;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The backoff between attempts: doubling, and shortened at random so that calls failing together spread out. */
class RetryPolicyTest {

    @Test
    void theBackoffDoublesAndLosesUpToAQuarterAtRandom() {
        assertThat(RetryPolicy.backoff(0, 0)).isEqualTo(Duration.ofMillis(250));
        assertThat(RetryPolicy.backoff(1, 0)).isEqualTo(Duration.ofMillis(500));
        assertThat(RetryPolicy.backoff(0, 1)).isEqualTo(Duration.ofNanos(187_500_000));
        assertThat(RetryPolicy.backoff(1, 0.5)).isEqualTo(Duration.ofMillis(437).plusNanos(500_000));
    }
}
