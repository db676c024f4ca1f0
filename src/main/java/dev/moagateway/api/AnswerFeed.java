package dev.moagateway.api;

import dev.moagateway.mixture.MixtureEvent;
import dev.moagateway.mixture.MixtureEvent.AnswerChunk;
import dev.moagateway.mixture.MixtureEvent.RunFinished;
import dev.moagateway.mixture.MixturePlan;
import dev.moagateway.mixture.MixtureRunner;
import dev.moagateway.mixture.Passthrough;
import dev.moagateway.mixture.Progress;
import dev.moagateway.mixture.Route;
import dev.moagateway.observability.RequestScope;
import dev.moagateway.openai.AnswerWriter;
import dev.moagateway.openai.ChatCompletionChunk;
import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.ChatMessage;
import dev.moagateway.openai.ChunkChoice;
import dev.moagateway.openai.ToolCallFragments;
import dev.moagateway.openai.Usage;
import dev.moagateway.upstream.UpstreamException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.StringNode;

/**
 * One answer of another protocol, fed to its writer from the same engine as chat completions: a mixture's run
 * (its answer chunks, and its account as reasoning when progress is on) or a provider's stream, always called
 * streamed. It keeps the answer's text and tool calls, for protocols that store the conversation.
 */
final class AnswerFeed {

    private final Routing routing;
    private final MixtureRunner runner;
    private final JsonMapper json;
    private final AnswerWriter writer;
    private final StringBuilder text = new StringBuilder();
    private final ToolCallFragments calls = new ToolCallFragments();
    private Usage usage;
    private String finishReason;

    AnswerFeed(Routing routing, MixtureRunner runner, JsonMapper json, AnswerWriter writer) {
        this.routing = routing;
        this.runner = runner;
        this.json = json;
        this.writer = writer;
    }

    /** The writer's frames for {@code chat} as {@code route} answers it, to the end of the answer. */
    Flux<String> frames(Route route, ChatCompletionRequest chat, MoaOptions moa, RequestScope scope) {
        ChatCompletionRequest streamed = chat.asStreamWithUsage();
        Flux<String> frames;
        if (route instanceof Passthrough passthrough) {
            scope.phase("passthrough");
            frames = passthrough.stream(streamed, scope).map(data -> {
                scope.firstToken();
                ChatCompletionChunk chunk = decode(data, chat.model());
                if (chunk.usage() != null) {
                    usage = chunk.usage();
                }
                return writer.started() + chunk(chunk);
            });
        }
        else {
            MixturePlan mixture = routing.mixture((MixturePlan) route, moa, scope);
            Progress progress = routing.options(moa, mixture).progress();
            ProgressAccount account = progress == Progress.NONE ? null : new ProgressAccount();
            frames = runner.run(mixture, streamed, scope).map(event -> writer.started() + event(event, account, scope));
        }
        return frames.concatWith(Mono.fromSupplier(() -> writer.started() + writer.completed(finishReason, usage)))
                .filter(written -> !written.isEmpty());
    }

    /** The answer as the assistant message that follows the conversation. */
    ChatMessage message() {
        return new ChatMessage(ChatMessage.ASSISTANT, text.isEmpty() ? null : StringNode.valueOf(text.toString()),
                calls.calls(), null, null);
    }

    private String event(MixtureEvent event, ProgressAccount account, RequestScope scope) {
        if (event instanceof AnswerChunk answer) {
            ChatCompletionsHandler.answerStarted(event, scope);
            return chunk(answer.chunk());
        }
        if (event instanceof RunFinished finished) {
            usage = finished.usage();
        }
        return account == null ? "" : writer.reasoning(account.next(event));
    }

    /** The first choice's reasoning, text and tool calls, told to the writer in that order. */
    private String chunk(ChatCompletionChunk chunk) {
        StringBuilder frames = new StringBuilder();
        for (ChunkChoice choice : chunk.choices()) {
            if (choice.index() != null && choice.index() != 0) {
                continue;
            }
            ChatMessage delta = choice.delta();
            if (delta != null) {
                String thought = ReasoningFields.text(delta.extra());
                if (thought != null) {
                    frames.append(writer.reasoning(thought));
                }
                String more = delta.text();
                text.append(more);
                frames.append(writer.text(more));
                if (delta.toolCalls() != null) {
                    calls.add(delta.toolCalls());
                    delta.toolCalls().forEach(fragment -> frames.append(writer.toolCall(fragment)));
                }
            }
            if (choice.finishReason() != null) {
                finishReason = choice.finishReason();
            }
        }
        return frames.toString();
    }

    private ChatCompletionChunk decode(String data, String model) {
        try {
            return json.readValue(data, ChatCompletionChunk.class);
        }
        catch (JacksonException notAChunk) {
            throw UpstreamException.malformed(model, "sent an event that is not a chunk");
        }
    }
}
