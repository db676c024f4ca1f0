package dev.moagateway.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.moagateway.mixture.MixtureEvent;
import dev.moagateway.mixture.MixtureEvent.AnswerChunk;
import dev.moagateway.mixture.MixtureEvent.RunFinished;
import dev.moagateway.mixture.MixtureEvent.RunStarted;
import dev.moagateway.mixture.Progress;
import dev.moagateway.openai.ChatCompletion;
import dev.moagateway.openai.ChatCompletionChunk;
import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.ChatMessage;
import dev.moagateway.openai.ChunkChoice;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.StringNode;

/**
 * A mixture's run as OpenAI's stream: the aggregator's chunks under the mixture's name and one id, with the
 * progress account in the fields the request's mode names, the run's named events when asked for, the usage
 * chunk when asked for, and the trace on the last chunk when asked for. Only the aggregator's text is ever
 * {@code delta.content} (but for {@code think-tags}, whose account goes there inside the tags).
 */
final class MixtureStream {

    static final String THINK_OPEN = "<think>\n";
    static final String THINK_CLOSE = "\n</think>\n\n";

    private final JsonMapper json;
    private final RunEvents runEvents;

    MixtureStream(JsonMapper json) {
        this.json = json;
        this.runEvents = new RunEvents(json);
    }

    /** One string of server-sent events per run event that shows; {@code [DONE]} is the writer's. */
    Flux<String> frames(Flux<MixtureEvent> run, ChatCompletionRequest request, MoaOptions options) {
        return Flux.defer(() -> {
            Writer writer = new Writer(request, options);
            Flux<String> frames = run.handle((event, sink) -> {
                String written = writer.frames(event);
                if (!written.isEmpty()) {
                    sink.next(written);
                }
            });
            // A failure after the finish chunk (while the usage is awaited) must not swallow the held chunk.
            return frames.onErrorResume(failure -> Flux.concat(Flux.fromIterable(writer.unsent()), Flux.error(failure)));
        });
    }

    /** One stream's state; events come one at a time. */
    private final class Writer {

        private final String id = ChatCompletion.newId();
        private final long created = Instant.now().getEpochSecond();
        private final String model;
        private final boolean includeUsage;
        private final MoaOptions options;
        private final Progress progress;
        private final ProgressAccount account = new ProgressAccount();
        private final RunTrace.Recorder recorder = new RunTrace.Recorder();
        private final StringBuilder out = new StringBuilder();
        /** Set when the stream opened with a role chunk of its own, before the aggregator's. */
        private boolean ownRole;
        private boolean thinkOpen;
        private boolean thinkClosed;
        /** With a trace and no usage chunk, the finish chunk waits for the run's end to carry the trace. */
        private ChatCompletionChunk held;

        Writer(ChatCompletionRequest request, MoaOptions options) {
            this.model = request.model();
            this.includeUsage = request.includeUsage();
            this.options = options;
            this.progress = options.progress();
        }

        String frames(MixtureEvent event) {
            out.setLength(0);
            recorder.record(event);
            if (event instanceof RunStarted && (progress != Progress.NONE || options.events())) {
                ownRole = true;
                write(chunk(new ChatMessage(ChatMessage.ASSISTANT, StringNode.valueOf(""), null), null));
            }
            if (options.events()) {
                String frame = runEvents.frame(event);
                if (frame != null) {
                    out.append(frame);
                }
            }
            if (event instanceof AnswerChunk answer) {
                answer(answer.chunk());
            }
            else if (progress != Progress.NONE) {
                String text = account.next(event);
                // Inside the content, the account ends where the answer begins: a staircase's drafts go on after.
                if (!text.isEmpty() && !(progress == Progress.THINK_TAGS && thinkClosed)) {
                    write(progress == Progress.THINK_TAGS ? content(think(text))
                            : chunk(new ChatMessage(null, null, ReasoningFields.fields(progress, text)), null));
                }
            }
            if (event instanceof RunFinished finished) {
                finish(finished);
            }
            return out.toString();
        }

        private void answer(ChatCompletionChunk chunk) {
            List<ChunkChoice> choices = new ArrayList<>(chunk.choices().size());
            boolean finishes = false;
            for (ChunkChoice choice : chunk.choices()) {
                choices.add(shaped(choice));
                finishes |= choice.finishReason() != null;
            }
            if (finishes) {
                closeThink();
            }
            ChatCompletionChunk restamped = new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, created, model,
                    choices, null, chunk.extra());
            if (finishes && options.trace() && !includeUsage) {
                if (held != null) {
                    write(held);
                }
                held = restamped;
                return;
            }
            write(restamped);
        }

        /**
         * The aggregator's delta with its reasoning moved where the mode puts the account, and no second role.
         * The account and the gateway's own role chunk belong to choice 0; other choices pass as they came.
         */
        private ChunkChoice shaped(ChunkChoice choice) {
            ChatMessage delta = choice.delta();
            boolean first = choice.index() == null || choice.index() == 0;
            if (delta == null || !first || (progress == Progress.NONE && (delta.role() == null || !ownRole))) {
                return choice;
            }
            Map<String, JsonNode> fields = new LinkedHashMap<>(delta.extra());
            String before = "";
            if (progress != Progress.NONE) {
                String reasoning = ReasoningFields.take(fields);
                if (reasoning != null && progress != Progress.THINK_TAGS) {
                    fields.putAll(ReasoningFields.fields(progress, reasoning));
                }
                else if (reasoning != null && !thinkClosed) {
                    before = think(reasoning);
                }
            }
            String answer = text(delta.content());
            if (thinkOpen && (!answer.isEmpty() || delta.usesTools())) {
                thinkOpen = false;
                thinkClosed = true;
                before += THINK_CLOSE;
            }
            JsonNode content = before.isEmpty() ? delta.content() : StringNode.valueOf(before + answer);
            return new ChunkChoice(choice.index(), new ChatMessage(ownRole ? null : delta.role(), content,
                    delta.toolCalls(), delta.toolCallId(), fields), choice.finishReason(), choice.extra());
        }

        /** The finish chunk still held for the trace, framed; empty when there is none. */
        List<String> unsent() {
            return held == null ? List.of() : List.of(EventStream.event(json.writeValueAsString(held)));
        }

        private void finish(RunFinished finished) {
            closeThink();
            JsonNode trace = options.trace() ? json.valueToTree(recorder.trace()) : null;
            if (trace != null && !includeUsage) {
                ChatCompletionChunk last = held != null ? held
                        : new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, created, model, List.of(), null, null);
                write(last.withExtra(MoaOptions.FIELD, trace));
            }
            if (includeUsage) {
                ChatCompletionChunk usage = ChatCompletionChunk.usage(id, created, model, finished.usage());
                write(trace == null ? usage : usage.withExtra(MoaOptions.FIELD, trace));
            }
        }

        /** In think-tags mode, the account's text, opening the tag the first time. */
        private String think(String text) {
            if (thinkOpen || thinkClosed) {
                return text;
            }
            thinkOpen = true;
            return THINK_OPEN + text;
        }

        private void closeThink() {
            if (thinkOpen) {
                thinkOpen = false;
                thinkClosed = true;
                write(content(THINK_CLOSE));
            }
        }

        private ChatCompletionChunk content(String text) {
            return chunk(new ChatMessage(null, StringNode.valueOf(text), null), null);
        }

        private ChatCompletionChunk chunk(ChatMessage delta, String finishReason) {
            return new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, created, model,
                    List.of(new ChunkChoice(0, delta, finishReason, null)), null, null);
        }

        private void write(ChatCompletionChunk chunk) {
            out.append(EventStream.event(json.writeValueAsString(chunk)));
        }
    }

    private static String text(JsonNode content) {
        return content != null && content.isString() ? content.stringValue() : "";
    }
}
