package dev.moagateway.api;

import java.time.Duration;

import dev.moagateway.mixture.Catalog;
import dev.moagateway.mixture.InvalidSetting;
import dev.moagateway.mixture.MixtureEvent;
import dev.moagateway.mixture.MixtureEvent.AnswerChunk;
import dev.moagateway.mixture.MixtureOverrides;
import dev.moagateway.mixture.MixturePlan;
import dev.moagateway.mixture.MixtureRunner;
import dev.moagateway.mixture.Passthrough;
import dev.moagateway.mixture.Route;
import dev.moagateway.observability.RequestScope;
import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.ErrorDetail;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/chat/completions}: a mixture's id runs the mixture; {@code provider/model} goes straight
 * to that provider. Streamed or not, as the request asks.
 */
public final class ChatCompletionsHandler {

    private final Catalog catalog;
    private final MixtureOverrides overrides;
    private final MixtureRunner runner;
    private final ChatRequestReader reader;
    private final EventStream events;
    private final MixtureStream streams;
    private final MixtureAnswer answers;
    private final boolean traceEnabled;
    private final int maxDepth;

    /**
     * {@code traceEnabled} false ignores every request for a trace; a mixture request whose caller's depth has
     * reached {@code maxDepth} is refused.
     */
    public ChatCompletionsHandler(Catalog catalog, MixtureOverrides overrides, MixtureRunner runner, JsonMapper json,
            Duration keepAliveInterval, long maxRequestBytes, int maxJsonDepth, boolean traceEnabled, int maxDepth) {
        this.catalog = catalog;
        this.overrides = overrides;
        this.runner = runner;
        this.reader = new ChatRequestReader(maxRequestBytes, maxJsonDepth);
        this.events = new EventStream(json, keepAliveInterval);
        this.streams = new MixtureStream(json);
        this.answers = new MixtureAnswer(json);
        this.traceEnabled = traceEnabled;
        this.maxDepth = maxDepth;
    }

    public Mono<ServerResponse> create(ServerRequest request) {
        RequestScope scope = RequestScopeFilter.scope(request);
        return reader.read(request).flatMap(call -> answer(call, scope));
    }

    private Mono<ServerResponse> answer(ChatRequest call, RequestScope scope) {
        ChatCompletionRequest request = call.body();
        Route route = catalog.route(request.model()).orElseThrow(() -> ApiException.modelNotFound(request.model()));
        scope.model(request.model(), request.streamed());
        if (route instanceof Passthrough passthrough) {
            if (call.moa().mixture() != null) {
                throw ApiException.invalidRequest(MoaOptions.FIELD, "'moa.layers' and 'moa.aggregator' change a "
                        + "mixture, and '" + request.model() + "' is a provider's model: ask for a mixture's id.");
            }
            scope.phase("passthrough");
            return request.streamed()
                    ? events.relay(passthrough.stream(request, scope).doOnNext(chunk -> scope.firstToken()), scope)
                    : relay(passthrough.complete(request, scope));
        }
        MixturePlan mixture = call.moa().mixture() == null ? (MixturePlan) route
                : perRequest((MixturePlan) route, call.moa().mixture());
        if (scope.depth() >= maxDepth) {
            throw ApiException.of(HttpStatus.BAD_REQUEST, ErrorDetail.INVALID_REQUEST, null, "mixture_depth_exceeded",
                    "This request has come through " + scope.depth() + " gateways' mixtures already ("
                    + RequestScope.DEPTH_HEADER + ": " + scope.depth() + "), and moa.max-depth is " + maxDepth
                    + ": refused, so that gateways calling each other cannot loop.");
        }
        MoaOptions options = new MoaOptions(call.moa().progress() != null ? call.moa().progress() : mixture.progress(),
                traceEnabled && call.moa().trace(), call.moa().events(), null);
        Flux<MixtureEvent> run = runner.run(mixture, request, scope);
        return request.streamed()
                ? events.respond(streams.frames(run.doOnNext(event -> answerStarted(event, scope)), request, options),
                        scope)
                : json(answers.complete(run, request, options));
    }

    /** The mixture with the request's own parts; what cannot be is a 400 naming the exact place. */
    private MixturePlan perRequest(MixturePlan configured, JsonNode parts) {
        try {
            return overrides.apply(configured, parts);
        }
        catch (InvalidSetting invalid) {
            throw ApiException.invalidRequest(invalid.key(), invalid.getMessage());
        }
    }

    /** The time to first token is the answer's: progress written before it does not count. */
    private static void answerStarted(MixtureEvent event, RequestScope scope) {
        if (event instanceof AnswerChunk) {
            scope.firstToken();
        }
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
