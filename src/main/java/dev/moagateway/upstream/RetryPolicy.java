package dev.moagateway.upstream;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Retries a call that failed in a way that is safe to repeat (no answer, 408, 409, 429, 5xx), at most
 * twice, waiting as the provider's {@code Retry-After} asks or backing off exponentially with jitter. Clients' SDKs
 * retry too, so ours stays small; a wait longer than {@link #MAX_WAIT} is not worth holding the client for.
 */
final class RetryPolicy {

    static final int MAX_RETRIES = 2;
    static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    static final Duration MAX_WAIT = Duration.ofSeconds(10);

    private RetryPolicy() {
    }

    /** {@code call}, subscribed again after each failure that is safe to repeat; {@code observer} hears of each. */
    static <T> Mono<T> retrying(Mono<T> call, CallObserver observer) {
        return retrying(call, observer, 0);
    }

    /**
     * As {@link #retrying(Mono, CallObserver)}, until {@code started} says a chunk was relayed: repeating would
     * duplicate text.
     */
    static <T> Flux<T> retrying(Flux<T> call, BooleanSupplier started, CallObserver observer) {
        return retrying(call, started, observer, 0);
    }

    // Resuming on error, rather than Reactor's retryWhen, costs a call that succeeds no companion stream.
    private static <T> Mono<T> retrying(Mono<T> call, CallObserver observer, int retries) {
        return call.onErrorResume(failure -> {
            Duration wait = waitBefore(failure, retries);
            if (wait == null) {
                return Mono.error(failure);
            }
            observer.retrying((UpstreamException) failure);
            return Mono.delay(wait).then(retrying(call, observer, retries + 1));
        });
    }

    private static <T> Flux<T> retrying(Flux<T> call, BooleanSupplier started, CallObserver observer, int retries) {
        return call.onErrorResume(failure -> {
            Duration wait = started.getAsBoolean() ? null : waitBefore(failure, retries);
            if (wait == null) {
                return Flux.error(failure);
            }
            observer.retrying((UpstreamException) failure);
            return Mono.delay(wait).thenMany(retrying(call, started, observer, retries + 1));
        });
    }

    /** How long to wait before retrying this failure, or null if it is not to be retried. */
    private static Duration waitBefore(Throwable failure, int retries) {
        if (retries >= MAX_RETRIES || !(failure instanceof UpstreamException upstream) || !upstream.isRetryable()) {
            return null;
        }
        Duration wait = upstream.retryAfter() != null ? upstream.retryAfter()
                : backoff(retries, ThreadLocalRandom.current().nextDouble());
        return wait.compareTo(MAX_WAIT) > 0 ? null : wait;
    }

    /**
     * The exponential backoff, shortened by up to a quarter at random ({@code random} from 0 to 1), as the
     * official SDKs do: a mixture's calls to one provider fail together, and must not all come back together.
     */
    static Duration backoff(int retries, double random) {
        return Duration.ofNanos((long) (FIRST_BACKOFF.multipliedBy(1L << retries).toNanos() * (1 - 0.25 * random)));
    }
}
