package dev.moagateway.api;

import java.time.Duration;

import dev.moagateway.mixture.Mixture;
import dev.moagateway.mixture.MixtureRunner;
import dev.moagateway.mixture.Mixtures;
import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.upstream.ModelRef;
import dev.moagateway.upstream.Upstream;
import dev.moagateway.upstream.UpstreamRegistry;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/chat/completions}: a mixture's id runs the mixture; {@code provider/model} goes straight
 * to that provider. Streamed or not, as the request asks.
 */
public final class ChatCompletionsHandler {

    private final Mixtures mixtures;
    private final MixtureRunner runner;
    private final UpstreamRegistry upstreams;
    private final JsonMapper json;
    private final EventStream events;

    public ChatCompletionsHandler(Mixtures mixtures, MixtureRunner runner, UpstreamRegistry upstreams,
            JsonMapper json, Duration keepAliveInterval) {
        this.mixtures = mixtures;
        this.runner = runner;
        this.upstreams = upstreams;
        this.json = json;
        this.events = new EventStream(json, keepAliveInterval);
    }

    public Mono<ServerResponse> create(ServerRequest request) {
        return request.bodyToMono(byte[].class)
                .switchIfEmpty(Mono.error(() -> ApiException.invalidRequest(null,
                        "The request body is empty: send a JSON object with 'model' and 'messages'.")))
                .map(this::parse)
                .flatMap(this::answer);
    }

    private Mono<ServerResponse> answer(ChatCompletionRequest request) {
        Mixture mixture = mixtures.find(request.model()).orElse(null);
        if (mixture != null) {
            return request.streamed() ? events.respond(runner.stream(mixture, request))
                    : json(runner.complete(mixture, request));
        }
        ModelRef ref = ModelRef.parse(request.model()).orElseThrow(() -> ApiException.modelNotFound(request.model()));
        Upstream upstream = upstreams.find(ref.provider()).orElseThrow(() -> ApiException.modelNotFound(request.model()));
        ChatCompletionRequest forwarded = request.withModel(ref.model());
        return request.streamed() ? events.respond(upstream.stream(forwarded)) : json(upstream.complete(forwarded));
    }

    private static Mono<ServerResponse> json(Mono<?> completion) {
        return completion.flatMap(body -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body));
    }

    /** The body as a request, checked for what every request needs before anything is sent upstream. */
    private ChatCompletionRequest parse(byte[] body) {
        ChatCompletionRequest request = json.readValue(body, ChatCompletionRequest.class);
        if (request == null) {
            throw ApiException.invalidRequest(null, "The request body must be a JSON object.");
        }
        if (request.model() == null || request.model().isBlank()) {
            throw ApiException.invalidRequest("model", "You must provide a model parameter.");
        }
        if (request.messages() == null) {
            throw ApiException.invalidRequest("messages", "Missing required parameter: 'messages'.");
        }
        if (request.messages().isEmpty()) {
            throw ApiException.invalidRequest("messages", "'messages' must contain at least one message.");
        }
        for (int i = 0; i < request.messages().size(); i++) {
            var message = request.messages().get(i);
            if (message == null || message.role() == null || message.role().isBlank()) {
                throw ApiException.invalidRequest("messages[" + i + "].role",
                        "Missing required parameter: 'messages[" + i + "].role'.");
            }
        }
        return request;
    }
}
