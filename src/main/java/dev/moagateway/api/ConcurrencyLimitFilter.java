package dev.moagateway.api;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import dev.moagateway.openai.ErrorDetail;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Bounds the chat completions in progress. Past the bound a request is refused at once with 429 and
 * {@code Retry-After}, rather than queued: a mixture holds several upstream calls per request, and a
 * client's SDK already knows how to wait and retry. A slot is freed when the response ends, fails or is
 * cancelled.
 */
public final class ConcurrencyLimitFilter implements WebFilter, Ordered {

    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final int maxConcurrent;
    /** The endpoints that answer with a model, whose requests count. */
    static final Set<String> ANSWERS = Set.of("/v1/chat/completions", "/v1/responses", "/v1/messages");

    private final AtomicInteger inProgress = new AtomicInteger();

    public ConcurrencyLimitFilter(int maxConcurrent) {
        this.maxConcurrent = maxConcurrent;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!ANSWERS.contains(exchange.getRequest().getPath().value())) {
            return chain.filter(exchange);
        }
        if (inProgress.incrementAndGet() > maxConcurrent) {
            inProgress.decrementAndGet();
            String message = "The gateway is at its limit of " + maxConcurrent + " concurrent requests; retry shortly.";
            return Mono.error(new ApiException(HttpStatus.TOO_MANY_REQUESTS,
                    new ErrorDetail(message, ErrorDetail.RATE_LIMIT, null, "too_many_requests"), RETRY_AFTER));
        }
        return chain.filter(exchange).doFinally(signal -> inProgress.decrementAndGet());
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 3;
    }
}
