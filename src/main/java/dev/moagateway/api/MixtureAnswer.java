package dev.moagateway.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.moagateway.mixture.MixtureEvent;
import dev.moagateway.mixture.MixtureEvent.AnswerChunk;
import dev.moagateway.mixture.MixtureEvent.RunFinished;
import dev.moagateway.mixture.Progress;
import dev.moagateway.openai.ChatCompletion;
import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.ChatMessage;
import dev.moagateway.openai.Choice;
import dev.moagateway.openai.ChunkChoice;
import dev.moagateway.openai.ToolCallFragments;
import dev.moagateway.openai.Usage;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.StringNode;

/**
 * A mixture's run as one OpenAI completion: the aggregator's chunks joined per choice (content, reasoning, tool
 * calls and log probabilities), under the mixture's name and a new id, with usage summed over every call, the
 * progress account in the fields the mode names (or inside {@code <think>} tags before the answer), and the
 * trace when asked for.
 */
final class MixtureAnswer {

    private static final String LOGPROBS = "logprobs";

    private final JsonMapper json;

    MixtureAnswer(JsonMapper json) {
        this.json = json;
    }

    /** Emits the completion once the run finishes; errors as the run does. */
    Mono<ChatCompletion> complete(Flux<MixtureEvent> run, ChatCompletionRequest request,
            MoaOptions options) {
        return Mono.defer(() -> {
            Fold fold = new Fold(options.progress());
            return run.doOnNext(fold::add).then(Mono.fromSupplier(() -> fold.completion(request.model(), options)));
        });
    }

    private final class Fold {

        private final Progress progress;
        private final ProgressAccount account = new ProgressAccount();
        private final StringBuilder accountText = new StringBuilder();
        private final RunTrace.Recorder recorder = new RunTrace.Recorder();
        private final Map<Integer, ChoiceText> choices = new TreeMap<>();
        private Usage usage;

        Fold(Progress progress) {
            this.progress = progress;
        }

        void add(MixtureEvent event) {
            recorder.record(event);
            if (event instanceof AnswerChunk answer) {
                answer.chunk().choices().forEach(choice -> choices
                        .computeIfAbsent(choice.index() == null ? 0 : choice.index(), index -> new ChoiceText())
                        .add(choice));
            }
            else if (progress != Progress.NONE) {
                accountText.append(account.next(event));
            }
            if (event instanceof RunFinished finished) {
                usage = finished.usage();
            }
        }

        ChatCompletion completion(String model, MoaOptions options) {
            List<Choice> answers = new ArrayList<>();
            choices.forEach((index, choice) -> answers.add(choice.choice(index)));
            ChatCompletion completion = new ChatCompletion(ChatCompletion.newId(), ChatCompletion.OBJECT,
                    Instant.now().getEpochSecond(), model, answers, usage, null);
            return options.trace() ? completion.withExtra(MoaOptions.FIELD, json.valueToTree(recorder.trace()))
                    : completion;
        }

        /** One choice so far: the aggregator's content, reasoning, tool calls and log probabilities. */
        private final class ChoiceText {

            private final StringBuilder content = new StringBuilder();
            private final StringBuilder reasoning = new StringBuilder();
            private final ToolCallFragments toolCalls = new ToolCallFragments();
            private ArrayNode logprobs;
            private String finishReason;

            void add(ChunkChoice choice) {
                if (choice.delta() != null) {
                    content.append(choice.delta().text());
                    String thought = ReasoningFields.text(choice.delta().extra());
                    if (thought != null) {
                        reasoning.append(thought);
                    }
                    toolCalls.add(choice.delta().toolCalls());
                }
                JsonNode tokens = choice.extra().getOrDefault(LOGPROBS, MissingNode.getInstance()).path("content");
                if (tokens.isArray()) {
                    logprobs = logprobs == null ? JsonNodeFactory.instance.arrayNode() : logprobs;
                    logprobs.addAll((ArrayNode) tokens);
                }
                if (choice.finishReason() != null) {
                    finishReason = choice.finishReason();
                }
            }

            Choice choice(int index) {
                String account = accountText + reasoning.toString();
                String text = progress == Progress.THINK_TAGS && !account.isEmpty()
                        ? MixtureStream.THINK_OPEN + account + MixtureStream.THINK_CLOSE + content : content.toString();
                Map<String, JsonNode> fields = progress == Progress.NONE
                        ? reasoningOnly(reasoning.toString()) : ReasoningFields.fields(progress, account);
                // As OpenAI answers a message that only calls tools: without content.
                JsonNode message = text.isEmpty() && !toolCalls.isEmpty() ? NullNode.getInstance()
                        : StringNode.valueOf(text);
                Map<String, JsonNode> choiceFields = new LinkedHashMap<>();
                if (logprobs != null) {
                    choiceFields.put(LOGPROBS, JsonNodeFactory.instance.objectNode().set("content", logprobs));
                }
                return new Choice(index, new ChatMessage(ChatMessage.ASSISTANT, message, toolCalls.calls(), null,
                        fields), finishReason, choiceFields);
            }
        }
    }

    /** Without progress, the aggregator's own reasoning is kept where most clients look for it. */
    private static Map<String, JsonNode> reasoningOnly(String reasoning) {
        return reasoning.isEmpty() ? new TreeMap<>()
                : new TreeMap<>(Map.of(ReasoningFields.REASONING_CONTENT, StringNode.valueOf(reasoning)));
    }
}
