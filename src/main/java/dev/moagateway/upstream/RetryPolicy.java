package dev.moagateway.upstream;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Retries a call that failed in a way that is safe to repeat (no answer, 408, 409, 429, 5xx), at most
 * twice, waiting as the provider's {@code Retry-After} asks or backing off exponentially. Clients' SDKs
 * retry too, so ours stays small; a wait longer than {@link #MAX_WAIT} is not worth holding the client for.
 */
final class RetryPolicy {

    static final int MAX_RETRIES = 2;
    static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    static final Duration MAX_WAIT = Duration.ofSeconds(10);

    private RetryPolicy() {
    }

    /** Retries until {@code started} says a chunk was relayed: after that, repeating would duplicate text. */
    static Retry untilStarted(BooleanSupplier started) {
        return Retry.from(signals -> signals.concatMap(signal -> {
            Throwable failure = signal.failure();
            if (signal.totalRetries() >= MAX_RETRIES || started.getAsBoolean()
                    || !(failure instanceof UpstreamException upstream) || !upstream.isRetryable()) {
                return Mono.error(failure);
            }
            Duration wait = upstream.retryAfter() != null ? upstream.retryAfter()
                    : FIRST_BACKOFF.multipliedBy(1L << signal.totalRetries());
            return wait.compareTo(MAX_WAIT) > 0 ? Mono.error(failure) : Mono.delay(wait);
        }));
    }

    static Retry always() {
        return untilStarted(() -> false);
    }
}
