package dev.moagateway.api;

import java.util.ArrayList;
import java.util.List;

import dev.moagateway.api.EventStream.Ending;
import dev.moagateway.mixture.MixtureEvent;
import dev.moagateway.mixture.MixtureEvent.AnswerChunk;
import dev.moagateway.mixture.MixtureEvent.RunFinished;
import dev.moagateway.mixture.MixturePlan;
import dev.moagateway.mixture.MixtureRunner;
import dev.moagateway.mixture.Passthrough;
import dev.moagateway.mixture.Progress;
import dev.moagateway.mixture.Route;
import dev.moagateway.observability.RequestScope;
import dev.moagateway.openai.ChatCompletionChunk;
import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.ChatMessage;
import dev.moagateway.openai.ChunkChoice;
import dev.moagateway.openai.ErrorDetail;
import dev.moagateway.openai.ToolCallFragments;
import dev.moagateway.openai.Usage;
import dev.moagateway.responses.ChatTranslation;
import dev.moagateway.responses.ResponseStore;
import dev.moagateway.responses.ResponseWriter;
import dev.moagateway.responses.ResponsesRequest;
import dev.moagateway.upstream.UpstreamException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.StringNode;

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
        ChatCompletionRequest chat = ChatTranslation.request(body, conversation).asStreamWithUsage();
        Route route = routing.route(body.model(), moa);
        scope.model(body.model(), body.streamed());
        ResponseWriter writer = new ResponseWriter(json, body, body.streamed());
        Answer answer = new Answer(writer);
        Flux<String> frames;
        if (route instanceof Passthrough passthrough) {
            scope.phase("passthrough");
            frames = passthrough.stream(chat, scope).map(data -> answer.chunk(decode(data, body.model()), scope));
        }
        else {
            MixturePlan mixture = routing.mixture((MixturePlan) route, moa, scope);
            Progress progress = routing.options(moa, mixture).progress();
            ProgressAccount account = progress == Progress.NONE ? null : new ProgressAccount();
            frames = runner.run(mixture, chat, scope).map(event -> answer.event(event, account, scope));
        }
        Flux<String> whole = frames.concatWith(Mono.fromSupplier(answer::completed))
                .doOnComplete(() -> {
                    if (body.stored()) {
                        store.put(writer.id(), answer.conversation(conversation));
                    }
                });
        if (!body.streamed()) {
            return whole.then(Mono.fromSupplier(writer::response)).flatMap(response -> ServerResponse.ok()
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(response));
        }
        Ending ending = new Ending("", error -> writer.failed(failureCode(error.detail()), error.detail().message()));
        return events.respond(whole.filter(text -> !text.isEmpty()), scope, ending);
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

    private ChatCompletionChunk decode(String data, String model) {
        try {
            return json.readValue(data, ChatCompletionChunk.class);
        }
        catch (JacksonException notAChunk) {
            throw UpstreamException.malformed(model, "sent an event that is not a chunk");
        }
    }

    private static String failureCode(ErrorDetail detail) {
        return detail.code() != null ? detail.code() : ErrorDetail.SERVER_ERROR;
    }

    /** One answer's state: what the writer is told, and what the conversation keeps of it. */
    private static final class Answer {

        private final ResponseWriter writer;
        private final StringBuilder text = new StringBuilder();
        private final ToolCallFragments calls = new ToolCallFragments();
        private Usage usage;

        Answer(ResponseWriter writer) {
            this.writer = writer;
        }

        String event(MixtureEvent event, ProgressAccount account, RequestScope scope) {
            String frames = start();
            if (event instanceof AnswerChunk answer) {
                ChatCompletionsHandler.answerStarted(event, scope);
                return frames + chunk(answer.chunk());
            }
            if (event instanceof RunFinished finished) {
                usage = finished.usage();
            }
            return account == null ? frames : frames + writer.reasoning(account.next(event));
        }

        String chunk(ChatCompletionChunk chunk, RequestScope scope) {
            scope.firstToken();
            if (chunk.usage() != null) {
                usage = chunk.usage();
            }
            return start() + chunk(chunk);
        }

        private String chunk(ChatCompletionChunk chunk) {
            StringBuilder frames = new StringBuilder();
            for (ChunkChoice choice : chunk.choices()) {
                if (choice.delta() != null && (choice.index() == null || choice.index() == 0)) {
                    String thought = ReasoningFields.text(choice.delta().extra());
                    if (thought != null) {
                        frames.append(writer.reasoning(thought));
                    }
                    text.append(choice.delta().text());
                    calls.add(choice.delta().toolCalls());
                }
            }
            return frames.append(writer.chunk(chunk)).toString();
        }

        String completed() {
            return start() + writer.completed(usage);
        }

        /** The conversation with this answer after it, for the next turn. */
        List<ChatMessage> conversation(List<ChatMessage> before) {
            List<ChatMessage> after = new ArrayList<>(before);
            after.add(new ChatMessage(ChatMessage.ASSISTANT, text.isEmpty() ? null : StringNode.valueOf(text.toString()),
                    calls.calls(), null, null));
            return after;
        }

        private String start() {
            return writer.started();
        }
    }
}
