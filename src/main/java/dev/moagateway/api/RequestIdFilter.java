package dev.moagateway.api;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Gives every response an {@code x-request-id}: the caller's own when it sent a sane one, so logs on both
 * sides join up, else a new one. Set first, so error responses carry it too.
 */
public final class RequestIdFilter implements WebFilter, Ordered {

    public static final String HEADER = "x-request-id";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        exchange.getResponse().getHeaders().set(HEADER, idFor(exchange.getRequest().getHeaders().getFirst(HEADER)));
        return chain.filter(exchange);
    }

    /** The caller's id when it is a sane token, else a new one. */
    static String idFor(String offered) {
        return offered != null && SANE.matcher(offered).matches() ? offered
                : "req_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
