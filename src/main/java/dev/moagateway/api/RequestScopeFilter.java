package dev.moagateway.api;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import dev.moagateway.mixture.QuorumException;
import dev.moagateway.observability.RequestScope;
import dev.moagateway.observability.Telemetry;
import dev.moagateway.upstream.Outcome;
import dev.moagateway.upstream.UpstreamException;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * Gives every response an {@code x-request-id}, the caller's own when it sent a sane one so logs on both sides
 * join up, else a new one; and every API request its {@link RequestScope}, finished when the response is:
 * metrics, server span and access-log line. Set first, so error responses carry the id and are counted.
 * Actuator's own requests, such as scrapes, are not counted.
 */
public final class RequestScopeFilter implements WebFilter, Ordered {

    public static final String HEADER = RequestScope.REQUEST_ID_HEADER;
    private static final String ATTRIBUTE = RequestScope.class.getName();
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final Telemetry telemetry;

    public RequestScopeFilter(Telemetry telemetry) {
        this.telemetry = telemetry;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String id = idFor(request.getHeaders().getFirst(HEADER));
        exchange.getResponse().getHeaders().set(HEADER, id);
        String path = request.getPath().value();
        if (path.startsWith("/actuator/")) {
            return chain.filter(exchange);
        }
        String method = request.getMethod().name();
        RequestScope scope = telemetry.request(id, spanName(method, path), method, path, request.getHeaders(),
                ConcurrencyLimitFilter.ANSWERS.contains(path));
        exchange.getAttributes().put(ATTRIBUTE, scope);
        return chain.filter(exchange)
                .doOnError(scope::failed)
                .doFinally(signal -> {
                    int status = status(exchange, scope.failure());
                    scope.finish(status, signal == SignalType.CANCEL ? Outcome.CANCELLED.wireName()
                            : outcome(status, scope.failure()));
                });
    }

    /** The request's scope; one that records nothing when it came some other way than through this filter. */
    static RequestScope scope(ServerRequest request) {
        return scope(request.exchange());
    }

    static RequestScope scope(ServerWebExchange exchange) {
        RequestScope scope = exchange.getAttribute(ATTRIBUTE);
        return scope == null ? RequestScope.detached() : scope;
    }

    /** The caller's id when it is a sane token, else a new one. */
    static String idFor(String offered) {
        return offered != null && SANE.matcher(offered).matches() ? offered
                : "req_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    /** A bounded name: the route when it is one of ours, else the method alone. */
    private static String spanName(String method, String path) {
        if (ConcurrencyLimitFilter.ANSWERS.contains(path) || path.equals("/v1/models")) {
            return method + " " + path;
        }
        return path.startsWith("/v1/models/") ? method + " /v1/models/{id}" : method;
    }

    /** A failure not yet written is written by the error handler, with the status it is given here too. */
    private static int status(ServerWebExchange exchange, Throwable failure) {
        HttpStatusCode written = exchange.getResponse().getStatusCode();
        if (failure != null && !exchange.getResponse().isCommitted()) {
            return ApiErrors.toApi(failure).status().value();
        }
        return written == null ? 200 : written.value();
    }

    /** What the request came to, in a few words: the metrics' and access log's {@code outcome}. */
    static String outcome(int status, Throwable failure) {
        if (failure instanceof UpstreamException) {
            return Outcome.of(failure).wireName();
        }
        if (failure instanceof QuorumException) {
            return "quorum";
        }
        if (status == 401) {
            return "unauthorized";
        }
        if (status == 429) {
            return "rate_limited";
        }
        if (status >= 500 || failure != null && status < 400) {
            return "error";
        }
        return status >= 400 ? "invalid_request" : Outcome.ANSWERED.wireName();
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
