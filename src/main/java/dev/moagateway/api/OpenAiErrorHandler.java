package dev.moagateway.api;

import dev.moagateway.messages.AnthropicError;
import dev.moagateway.openai.ErrorDetail;
import dev.moagateway.openai.ErrorResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders every failure that reaches the web layer, from a filter, a handler or the framework, in OpenAI's
 * error shape, or Anthropic's on the Messages endpoints. Runs before Spring Boot's own handler so no HTML page
 * or stack trace is ever written.
 */
public final class OpenAiErrorHandler implements WebExceptionHandler, Ordered {

    private static final Logger log = LoggerFactory.getLogger(OpenAiErrorHandler.class);

    private final JsonMapper json;

    public OpenAiErrorHandler(JsonMapper json) {
        this.json = json;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(failure);
        }
        ApiException error = describe(exchange.getRequest(), failure);
        RequestScopeFilter.scope(exchange).log(() -> {
            if (error.status() == HttpStatus.INTERNAL_SERVER_ERROR) {
                log.error("{} {} failed", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), failure);
            }
            else if (error.status().is5xxServerError()) {
                log.warn("{} {} failed: {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(),
                        error.detail().message());
            }
        });
        response.setStatusCode(error.status());
        HttpHeaders headers = response.getHeaders();
        headers.remove(HttpHeaders.CONTENT_LENGTH);
        headers.remove("X-Accel-Buffering");
        headers.setContentType(MediaType.APPLICATION_JSON);
        if (error.retryAfter() != null) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, error.retryAfter().toSeconds())));
        }
        // Anthropic's SDKs read errors in Anthropic's shape; every other client, OpenAI's.
        boolean anthropic = exchange.getRequest().getPath().value().startsWith("/v1/messages");
        byte[] body = json.writeValueAsBytes(anthropic ? AnthropicError.of(error.status().value(),
                error.detail().message()) : new ErrorResponse(error.detail()));
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    private static ApiException describe(ServerHttpRequest request, Throwable failure) {
        if (failure instanceof ResponseStatusException status && status.getStatusCode().value() == 404) {
            return ApiException.of(HttpStatus.NOT_FOUND, ErrorDetail.INVALID_REQUEST, null, null,
                    "Invalid URL (" + request.getMethod() + " " + request.getPath() + ")");
        }
        return ApiErrors.toApi(failure);
    }

    @Override
    public int getOrder() {
        return -2;
    }
}
