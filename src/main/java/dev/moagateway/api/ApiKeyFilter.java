package dev.moagateway.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

import dev.moagateway.openai.ErrorDetail;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Admits {@code /v1/} requests that carry one of the configured keys as {@code Authorization: Bearer}, as
 * OpenAI's clients send it, or as {@code x-api-key}, as Anthropic's do.
 * With no keys configured every request is admitted. Keys are compared as SHA-256 digests in constant
 * time, against every configured key, so neither a key's content nor its length leaks through timing.
 */
public final class ApiKeyFilter implements WebFilter, Ordered {

    private static final String BEARER = "Bearer ";
    private static final String API_KEY = "x-api-key";

    private final List<byte[]> keyDigests;

    public ApiKeyFilter(List<String> apiKeys) {
        this.keyDigests = apiKeys.stream().filter(key -> !key.isBlank()).map(ApiKeyFilter::sha256).toList();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (keyDigests.isEmpty() || !exchange.getRequest().getPath().value().startsWith("/v1/")) {
            return chain.filter(exchange);
        }
        String key = key(exchange.getRequest().getHeaders());
        if (key == null) {
            return Mono.error(invalidKey("You didn't provide an API key. Send it as 'Authorization: Bearer <key>' "
                    + "or 'x-api-key: <key>'."));
        }
        if (!isKnown(key)) {
            return Mono.error(invalidKey("Incorrect API key provided."));
        }
        return chain.filter(exchange);
    }

    /** The key as OpenAI's clients send it, or as Anthropic's do; null when there is none. */
    private static String key(HttpHeaders headers) {
        String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return authorization.substring(BEARER.length()).strip();
        }
        String apiKey = headers.getFirst(API_KEY);
        return apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
    }

    private boolean isKnown(String key) {
        byte[] digest = sha256(key);
        boolean known = false;
        for (byte[] candidate : keyDigests) {
            known |= MessageDigest.isEqual(candidate, digest);
        }
        return known;
    }

    private static ApiException invalidKey(String message) {
        return ApiException.of(HttpStatus.UNAUTHORIZED, ErrorDetail.INVALID_REQUEST, null, "invalid_api_key", message);
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("Every Java runtime has SHA-256", ex);
        }
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 2;
    }
}
