package dev.moagateway.api;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import dev.moagateway.openai.ErrorDetail;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RequestPredicates.path;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/** The OpenAI-compatible endpoints. Any other method on them gets a 405 naming the allowed one. */
public final class ApiRoutes {

    private ApiRoutes() {
    }

    public static RouterFunction<ServerResponse> routes(ChatCompletionsHandler chat, ModelsHandler models) {
        return route(POST("/v1/chat/completions"), chat::create)
                .andRoute(path("/v1/chat/completions"), onlyAllow(HttpMethod.POST))
                .andRoute(GET("/v1/models"), models::list)
                .andRoute(GET("/v1/models/{*id}"), models::get)
                .andRoute(path("/v1/models").or(path("/v1/models/**")), onlyAllow(HttpMethod.GET));
    }

    private static HandlerFunction<ServerResponse> onlyAllow(HttpMethod allowed) {
        return request -> Mono.error(new ApiException(HttpStatus.METHOD_NOT_ALLOWED,
                new ErrorDetail("Method " + request.method() + " is not allowed on " + request.path() + "; use "
                        + allowed + ".", ErrorDetail.INVALID_REQUEST, null, "method_not_allowed"), null));
    }
}
