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
    private final ChatRequestReader reader;
    private final EventStream events;

    public ChatCompletionsHandler(Mixtures mixtures, MixtureRunner runner, UpstreamRegistry upstreams,
            JsonMapper json, Duration keepAliveInterval, long maxRequestBytes, int maxJsonDepth) {
        this.mixtures = mixtures;
        this.runner = runner;
        this.upstreams = upstreams;
        this.reader = new ChatRequestReader(maxRequestBytes, maxJsonDepth);
        this.events = new EventStream(json, keepAliveInterval);
    }

    public Mono<ServerResponse> create(ServerRequest request) {
        return reader.read(request).flatMap(this::answer);
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
        return request.streamed() ? events.relay(upstream.streamVerbatim(forwarded))
                : relay(upstream.completeVerbatim(forwarded));
    }

    /** The provider's JSON as it came, written without looking for an encoder. */
    private static Mono<ServerResponse> relay(Mono<byte[]> completion) {
        return completion.flatMap(body -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                .body((message, context) -> message.writeWith(Mono.just(message.bufferFactory().wrap(body)))));
    }

    private static Mono<ServerResponse> json(Mono<?> completion) {
        return completion.flatMap(body -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body));
    }
}
