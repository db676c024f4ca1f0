package dev.moagateway.testing;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** Proves the guard is on: a blocking call on a non-blocking thread fails. */
class BlockHoundTest {

    @Test
    void blockingOnAnEventLoopThreadFails() {
        Mono<Void> sleepy = Mono.<Void>fromRunnable(() -> {
            try {
                Thread.sleep(1);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }).subscribeOn(Schedulers.parallel());

        StepVerifier.create(sleepy)
                .expectErrorSatisfies(error -> org.assertj.core.api.Assertions.assertThat(error)
                        .hasMessageContaining("Blocking call"))
                .verify(Duration.ofSeconds(5));
    }
}
