package dev.moagateway.api;

import java.time.Duration;
import java.util.function.ToIntFunction;

import dev.moagateway.mixture.Catalog;
import dev.moagateway.mixture.MixtureOverrides;
import dev.moagateway.mixture.MixtureRunner;
import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.ErrorDetail;
import dev.moagateway.responses.ResponseStore;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RequestPredicates.path;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * The endpoints: OpenAI's chat completions, Responses and models, and Anthropic's Messages. Any other method on
 * them gets a 405 naming the allowed one.
 */
public final class ApiRoutes {

    private ApiRoutes() {
    }

    /**
     * {@code keepAliveInterval}: between comments while a stream has nothing to send; requests larger than
     * {@code maxRequestBytes} or nested deeper than {@code maxJsonDepth} are refused; {@code traceEnabled} false
     * ignores every request for a trace; a mixture request whose caller's depth has reached {@code maxDepth} too.
     */
    public record Settings(Duration keepAliveInterval, long maxRequestBytes, int maxJsonDepth, boolean traceEnabled,
            int maxDepth) {
    }

    /** {@code promptTokens} counts a request's prompt for Anthropic's {@code count_tokens}. */
    public static RouterFunction<ServerResponse> routes(Catalog catalog, MixtureOverrides overrides,
            MixtureRunner runner, JsonMapper json, ResponseStore store,
            ToIntFunction<ChatCompletionRequest> promptTokens, Settings settings) {
        Routing routing = new Routing(catalog, overrides, settings.traceEnabled(), settings.maxDepth());
        ChatRequestReader reader = new ChatRequestReader(settings.maxRequestBytes(), settings.maxJsonDepth());
        EventStream events = new EventStream(json, settings.keepAliveInterval());
        ChatCompletionsHandler chat = new ChatCompletionsHandler(routing, runner, reader, events, json);
        ResponsesHandler responses = new ResponsesHandler(routing, runner, reader, events, store, json);
        MessagesHandler messages = new MessagesHandler(routing, runner, reader, events, json, promptTokens);
        ModelsHandler models = new ModelsHandler(catalog);
        return route(POST("/v1/chat/completions"), chat::create)
                .andRoute(path("/v1/chat/completions"), onlyAllow(HttpMethod.POST))
                .andRoute(POST("/v1/responses"), responses::create)
                .andRoute(path("/v1/responses"), onlyAllow(HttpMethod.POST))
                .andRoute(POST("/v1/messages"), messages::create)
                .andRoute(POST("/v1/messages/count_tokens"), messages::countTokens)
                .andRoute(path("/v1/messages").or(path("/v1/messages/count_tokens")), onlyAllow(HttpMethod.POST))
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
