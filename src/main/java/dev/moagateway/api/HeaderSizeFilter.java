package dev.moagateway.api;

import java.util.List;
import java.util.Map;

import dev.moagateway.openai.ErrorDetail;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses requests whose headers add up to more than the limit, with 431 in OpenAI's error shape. The
 * HTTP server's own limit is set higher, as a backstop that answers without a body.
 */
public final class HeaderSizeFilter implements WebFilter, Ordered {

    private final long maxBytes;

    public HeaderSizeFilter(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long size = 0;
        for (Map.Entry<String, List<String>> header : exchange.getRequest().getHeaders().headerSet()) {
            for (String value : header.getValue()) {
                size += header.getKey().length() + value.length() + 4;
            }
        }
        if (size > maxBytes) {
            return Mono.error(ApiException.of(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, ErrorDetail.INVALID_REQUEST,
                    null, "headers_too_large", "The request headers are larger than the " + maxBytes
                            + " bytes this server accepts."));
        }
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 2;
    }
}
