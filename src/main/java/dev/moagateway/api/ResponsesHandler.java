package dev.moagateway.api;

import java.util.ArrayList;
import java.util.List;

import dev.moagateway.api.EventStream.StreamFormat;
import dev.moagateway.mixture.MixtureRunner;
import dev.moagateway.mixture.Route;
import dev.moagateway.observability.RequestScope;
import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.ChatMessage;
import dev.moagateway.openai.ErrorDetail;
import dev.moagateway.responses.ChatTranslation;
import dev.moagateway.responses.ResponseStore;
import dev.moagateway.responses.ResponseWriter;
import dev.moagateway.responses.ResponsesRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/responses}, OpenAI's Responses API, over the same engine as chat completions: the request is
 * translated to a chat request, which a mixture runs or a provider answers streamed, and the answer is written
 * as a {@code response} object or its stream of events. Responses are stored for {@code previous_response_id}
 * unless the request says {@code store: false}.
 */
public final class ResponsesHandler {

    private final Routing routing;
    private final MixtureRunner runner;
    private final ChatRequestReader reader;
    private final EventStream events;
    private final ResponseStore store;
    private final JsonMapper json;

    ResponsesHandler(Routing routing, MixtureRunner runner, ChatRequestReader reader, EventStream events,
            ResponseStore store, JsonMapper json) {
        this.routing = routing;
        this.runner = runner;
        this.reader = reader;
        this.events = events;
        this.store = store;
        this.json = json;
    }

    public Mono<ServerResponse> create(ServerRequest request) {
        RequestScope scope = RequestScopeFilter.scope(request);
        return reader.readJson(request, ResponsesRequest.class, "'model' and 'input'")
                .flatMap(body -> answer(body, MoaOptions.read(body.moa(),
                        request.headers().firstHeader(MoaOptions.TRACE_HEADER)), scope));
    }

    private Mono<ServerResponse> answer(ResponsesRequest body, MoaOptions moa, RequestScope scope) {
        check(body);
        List<ChatMessage> conversation = new ArrayList<>(earlier(body));
        conversation.addAll(ChatTranslation.messages(body.input()));
        ChatCompletionRequest chat = ChatTranslation.request(body, conversation);
        Route route = routing.route(body.model(), moa);
        scope.model(body.model(), body.streamed());
        ResponseWriter writer = new ResponseWriter(json, body, body.streamed());
        AnswerFeed feed = new AnswerFeed(routing, runner, json, writer);
        Flux<String> frames = feed.frames(route, chat, moa, scope).doOnComplete(() -> {
            if (body.stored()) {
                conversation.add(feed.message());
                store.put(writer.id(), conversation);
            }
        });
        if (!body.streamed()) {
            return frames.then(Mono.fromSupplier(writer::response)).flatMap(response -> ServerResponse.ok()
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(response));
        }
        return events.respond(frames, scope, new StreamFormat(EventStream.KEEP_ALIVE, "",
                error -> writer.failed(failureCode(error.detail()), error.detail().message())));
    }

    private List<ChatMessage> earlier(ResponsesRequest body) {
        if (body.previousResponseId() == null) {
            return List.of();
        }
        return store.get(body.previousResponseId()).orElseThrow(() -> ApiException.of(
                HttpStatus.NOT_FOUND, ErrorDetail.INVALID_REQUEST, "previous_response_id",
                "previous_response_not_found", "Previous response with id '" + body.previousResponseId()
                        + "' not found: it was never stored here, was stored with 'store: false', or has expired."));
    }

    private static void check(ResponsesRequest body) {
        if (body.model() == null || body.model().isBlank()) {
            throw ApiException.invalidRequest("model", "You must provide a model parameter.");
        }
        ChatRequestReader.checkRange("temperature", body.temperature(), 0, 2);
        ChatRequestReader.checkRange("top_p", body.topP(), 0, 1);
        ChatRequestReader.checkRange("max_output_tokens", body.maxOutputTokens(), 1, Integer.MAX_VALUE);
    }

    private static String failureCode(ErrorDetail detail) {
        return detail.code() != null ? detail.code() : ErrorDetail.SERVER_ERROR;
    }
}
