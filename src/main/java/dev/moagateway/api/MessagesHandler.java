package dev.moagateway.api;

import java.util.function.ToIntFunction;

import dev.moagateway.api.EventStream.StreamFormat;
import dev.moagateway.messages.AnthropicError;
import dev.moagateway.messages.ChatTranslation;
import dev.moagateway.messages.MessageWriter;
import dev.moagateway.messages.MessagesRequest;
import dev.moagateway.mixture.MixtureRunner;
import dev.moagateway.mixture.Route;
import dev.moagateway.observability.RequestScope;
import dev.moagateway.openai.ChatCompletionRequest;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@code POST /v1/messages}, Anthropic's Messages API, over the same engine as chat completions, and
 * {@code POST /v1/messages/count_tokens}. Errors on these paths are written in Anthropic's shape.
 */
public final class MessagesHandler {

    /** While a stream has nothing to send yet: Anthropic's own keep-alive event. */
    static final String PING = "event: ping\ndata: {\"type\": \"ping\"}\n\n";

    private final Routing routing;
    private final MixtureRunner runner;
    private final ChatRequestReader reader;
    private final EventStream events;
    private final JsonMapper json;
    private final ToIntFunction<ChatCompletionRequest> promptTokens;

    /** {@code promptTokens} counts a translated request's prompt, for {@code count_tokens}. */
    MessagesHandler(Routing routing, MixtureRunner runner, ChatRequestReader reader, EventStream events,
            JsonMapper json, ToIntFunction<ChatCompletionRequest> promptTokens) {
        this.routing = routing;
        this.runner = runner;
        this.reader = reader;
        this.events = events;
        this.json = json;
        this.promptTokens = promptTokens;
    }

    public Mono<ServerResponse> create(ServerRequest request) {
        RequestScope scope = RequestScopeFilter.scope(request);
        return reader.readJson(request, MessagesRequest.class, "'model', 'max_tokens' and 'messages'")
                .flatMap(body -> answer(body, MoaOptions.read(body.moa(),
                        request.headers().firstHeader(MoaOptions.TRACE_HEADER)), scope));
    }

    /** The prompt's tokens as the gateway counts them: a real tokenizer for OpenAI's families, else an estimate. */
    public Mono<ServerResponse> countTokens(ServerRequest request) {
        return reader.readJson(request, MessagesRequest.class, "'model' and 'messages'").flatMap(body -> {
            MessagesRequest counted = body.maxTokens() == null ? withMaxTokens(body) : body;
            int tokens = promptTokens.applyAsInt(ChatTranslation.request(counted));
            return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(JsonNodeFactory.instance.objectNode().put("input_tokens", tokens));
        });
    }

    private Mono<ServerResponse> answer(MessagesRequest body, MoaOptions moa, RequestScope scope) {
        ChatCompletionRequest chat = ChatTranslation.request(body);
        ChatRequestReader.checkRange("temperature", body.temperature(), 0, 1);
        ChatRequestReader.checkRange("top_p", body.topP(), 0, 1);
        Route route = routing.route(body.model(), moa);
        scope.model(body.model(), body.streamed());
        MessageWriter writer = new MessageWriter(json, body.model(), body.streamed());
        Flux<String> frames = new AnswerFeed(routing, runner, json, writer).frames(route, chat, moa, scope);
        if (!body.streamed()) {
            return frames.then(Mono.fromSupplier(writer::message)).flatMap(message -> ServerResponse.ok()
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(message));
        }
        return events.respond(frames, scope, new StreamFormat(PING, "",
                error -> writer.failed(AnthropicError.of(error.status().value(), error.detail().message()))));
    }

    /** count_tokens takes no max_tokens; the translation wants one, which it does not count. */
    private static MessagesRequest withMaxTokens(MessagesRequest body) {
        return new MessagesRequest(body.model(), body.system(), body.messages(), 1, body.stopSequences(),
                body.temperature(), body.topP(), body.topK(), body.tools(), body.toolChoice(), body.thinking(),
                body.stream(), body.moa(), body.extra());
    }
}
