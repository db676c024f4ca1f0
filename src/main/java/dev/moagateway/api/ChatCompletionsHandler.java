package dev.moagateway.api;

import java.time.Duration;

import dev.moagateway.mixture.Catalog;
import dev.moagateway.mixture.MixturePlan;
import dev.moagateway.mixture.MixtureRunner;
import dev.moagateway.mixture.Passthrough;
import dev.moagateway.mixture.Route;
import dev.moagateway.openai.ChatCompletionRequest;
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

    private final Catalog catalog;
    private final MixtureRunner runner;
    private final ChatRequestReader reader;
    private final EventStream events;
    private final MixtureStream streams;
    private final MixtureAnswer answers;
    private final boolean traceEnabled;

    /** {@code traceEnabled} false ignores every request for a trace. */
    public ChatCompletionsHandler(Catalog catalog, MixtureRunner runner, JsonMapper json, Duration keepAliveInterval,
            long maxRequestBytes, int maxJsonDepth, boolean traceEnabled) {
        this.catalog = catalog;
        this.runner = runner;
        this.reader = new ChatRequestReader(maxRequestBytes, maxJsonDepth);
        this.events = new EventStream(json, keepAliveInterval);
        this.streams = new MixtureStream(json);
        this.answers = new MixtureAnswer(json);
        this.traceEnabled = traceEnabled;
    }

    public Mono<ServerResponse> create(ServerRequest request) {
        return reader.read(request).flatMap(this::answer);
    }

    private Mono<ServerResponse> answer(ChatRequest call) {
        ChatCompletionRequest request = call.body();
        Route route = catalog.route(request.model()).orElseThrow(() -> ApiException.modelNotFound(request.model()));
        if (route instanceof Passthrough passthrough) {
            return request.streamed() ? events.relay(passthrough.stream(request))
                    : relay(passthrough.complete(request));
        }
        MixturePlan mixture = (MixturePlan) route;
        MoaOptions options = new MoaOptions(call.moa().progress() != null ? call.moa().progress() : mixture.progress(),
                traceEnabled && call.moa().trace(), call.moa().events());
        return request.streamed() ? events.respond(streams.frames(runner.run(mixture, request), request, options))
                : json(answers.complete(runner.run(mixture, request), request, options));
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
