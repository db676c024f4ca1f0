package dev.moagateway.api;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.moagateway.openai.ErrorDetail;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Lets pages of the configured origins call the API from a browser. A preflight from such an origin is
 * answered here, before the key is checked (browsers send none with it); its actual requests, errors
 * included, carry {@code Access-Control-Allow-Origin}. Any other origin gets no CORS header at all, so the
 * browser keeps the answer from its page, while the request itself is served as any other.
 */
public final class CorsFilter implements WebFilter, Ordered {

    /** What the OpenAI SDKs send from a browser, besides their {@code x-stainless-*} headers. */
    private static final Set<String> ALLOWED_HEADERS = Set.of("authorization", "content-type", "accept",
            "dangerously-allow-browser", "openai-organization", "openai-project", "x-request-id", "x-moa-trace",
            "x-api-key", "anthropic-version", "anthropic-beta", "anthropic-dangerous-direct-browser-access");
    private static final String SDK_HEADERS = "x-stainless-";
    private static final List<String> EXPOSED_HEADERS = List.of(RequestScopeFilter.HEADER, HttpHeaders.RETRY_AFTER);
    private static final Duration MAX_AGE = Duration.ofHours(1);

    private final CorsConfiguration origins = new CorsConfiguration();

    public CorsFilter(List<String> allowedOrigins) {
        origins.setAllowedOriginPatterns(allowedOrigins);
        origins.setAllowedMethods(List.of(HttpMethod.GET.name(), HttpMethod.POST.name()));
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String origin = request.getHeaders().getOrigin();
        if (!CorsUtils.isCorsRequest(request) || origins.checkOrigin(origin) == null) {
            return chain.filter(exchange);
        }
        HttpHeaders headers = exchange.getResponse().getHeaders();
        headers.setAccessControlAllowOrigin(origin);
        headers.add(HttpHeaders.VARY, HttpHeaders.ORIGIN);
        if (!CorsUtils.isPreFlightRequest(request)) {
            headers.setAccessControlExposeHeaders(EXPOSED_HEADERS);
            return chain.filter(exchange);
        }
        return preflight(request, exchange.getResponse());
    }

    private Mono<Void> preflight(ServerHttpRequest request, ServerHttpResponse response) {
        HttpMethod method = request.getHeaders().getAccessControlRequestMethod();
        List<String> asked = request.getHeaders().getAccessControlRequestHeaders();
        if (origins.checkHttpMethod(method) == null || !asked.stream().allMatch(CorsFilter::allowedHeader)) {
            return Mono.error(ApiException.of(HttpStatus.FORBIDDEN, ErrorDetail.INVALID_REQUEST, null, null,
                    "Browsers may send GET and POST here, with the OpenAI SDKs' headers only."));
        }
        response.setStatusCode(HttpStatus.NO_CONTENT);
        HttpHeaders headers = response.getHeaders();
        headers.setAccessControlAllowMethods(List.of(HttpMethod.GET, HttpMethod.POST));
        headers.setAccessControlAllowHeaders(asked);
        headers.setAccessControlMaxAge(MAX_AGE);
        return response.setComplete();
    }

    private static boolean allowedHeader(String name) {
        String header = name.strip().toLowerCase(Locale.ROOT);
        return ALLOWED_HEADERS.contains(header) || header.startsWith(SDK_HEADERS);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }
}
