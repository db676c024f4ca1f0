package dev.moagateway.api;


import dev.moagateway.mixture.MixtureEvent;
import dev.moagateway.mixture.MixtureEvent.AnswerChunk;
import dev.moagateway.mixture.MixturePlan;
import dev.moagateway.mixture.MixtureRunner;
import dev.moagateway.mixture.Passthrough;
import dev.moagateway.mixture.Route;
import dev.moagateway.observability.RequestScope;
import dev.moagateway.openai.ChatCompletionRequest;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/chat/completions}: a mixture's id runs the mixture; {@code provider/model} goes straight
 * to that provider. Streamed or not, as the request asks.
 */
public final class ChatCompletionsHandler {

    private final Routing routing;
    private final MixtureRunner runner;
    private final ChatRequestReader reader;
    private final EventStream events;
    private final MixtureStream streams;
    private final MixtureAnswer answers;

    ChatCompletionsHandler(Routing routing, MixtureRunner runner, ChatRequestReader reader, EventStream events,
            JsonMapper json) {
        this.routing = routing;
        this.runner = runner;
        this.reader = reader;
        this.events = events;
        this.streams = new MixtureStream(json);
        this.answers = new MixtureAnswer(json);
    }

    public Mono<ServerResponse> create(ServerRequest request) {
        RequestScope scope = RequestScopeFilter.scope(request);
        return reader.read(request).flatMap(call -> answer(call, scope));
    }

    private Mono<ServerResponse> answer(ChatRequest call, RequestScope scope) {
        ChatCompletionRequest request = call.body();
        Route route = routing.route(request.model(), call.moa());
        scope.model(request.model(), request.streamed());
        if (route instanceof Passthrough passthrough) {
            scope.phase("passthrough");
            return request.streamed()
                    ? events.relay(passthrough.stream(request, scope).doOnNext(chunk -> scope.firstToken()), scope)
                    : relay(passthrough.complete(request, scope));
        }
        MixturePlan mixture = routing.mixture((MixturePlan) route, call.moa(), scope);
        MoaOptions options = routing.options(call.moa(), mixture);
        Flux<MixtureEvent> run = runner.run(mixture, request, scope);
        return request.streamed()
                ? events.respond(streams.frames(run.doOnNext(event -> answerStarted(event, scope)), request, options),
                        scope)
                : json(answers.complete(run, request, options));
    }

    /** The time to first token is the answer's: progress written before it does not count. */
    static void answerStarted(MixtureEvent event, RequestScope scope) {
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
