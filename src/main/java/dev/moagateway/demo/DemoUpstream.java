package dev.moagateway.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.moagateway.openai.ChatCompletion;
import dev.moagateway.openai.ChatCompletionChunk;
import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.ChatMessage;
import dev.moagateway.openai.Choice;
import dev.moagateway.openai.ChunkChoice;
import dev.moagateway.openai.Usage;
import dev.moagateway.upstream.CallObserver;
import dev.moagateway.upstream.Prefill;
import dev.moagateway.upstream.Upstream;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.StringNode;

/**
 * The built-in {@code demo} provider: simulated models that run in-process, so the gateway shows a whole
 * mixture with no key and no network. Each model name gets its own pace (a first-token delay and a delay
 * per token) and writes deterministic text that quotes the references it was given, so the layers can be
 * seen building on each other. It honours {@code max_tokens} and {@code stream_options.include_usage}, and
 * continues a trailing assistant message by itself.
 */
public final class DemoUpstream implements Upstream {

    private final double speed;
    private final JsonMapper json;

    /** {@code speed} divides every delay: 1 is a realistic pace, larger is faster (tests use 100). */
    public DemoUpstream(double speed, JsonMapper json) {
        this.speed = speed;
        this.json = json;
    }

    @Override
    public Prefill prefill() {
        return Prefill.NATIVE;
    }

    @Override
    public Mono<byte[]> complete(ChatCompletionRequest request, CallObserver observer) {
        return completion(request)
                .doOnNext(completion -> observe(observer, completion.model(), completion.choices().get(0).finishReason(),
                        completion.usage()))
                .map(json::writeValueAsBytes);
    }

    @Override
    public Flux<String> stream(ChatCompletionRequest request, CallObserver observer) {
        return chunks(request)
                .doOnNext(chunk -> observe(observer, chunk.model(),
                        chunk.choices().isEmpty() ? null : chunk.choices().get(0).finishReason(), chunk.usage()))
                .map(json::writeValueAsString);
    }

    private static void observe(CallObserver observer, String model, String finishReason, Usage usage) {
        observer.received(model, finishReason, usage == null ? -1 : usage.promptTokens(),
                usage == null ? -1 : usage.completionTokens());
    }

    private Mono<ChatCompletion> completion(ChatCompletionRequest request) {
        return Mono.defer(() -> {
            DemoAnswer answer = DemoAnswer.write(request);
            DemoPace pace = DemoPace.of(request.model(), speed);
            ChatCompletion completion = new ChatCompletion(answer.id(), ChatCompletion.OBJECT, now(), request.model(),
                    List.of(new Choice(0, ChatMessage.of(ChatMessage.ASSISTANT, answer.text()), answer.finishReason(),
                            null)),
                    answer.usage(), null);
            return Mono.just(completion).delayElement(pace.total(answer.tokens().size()));
        });
    }

    private Flux<ChatCompletionChunk> chunks(ChatCompletionRequest request) {
        return Flux.defer(() -> {
            DemoAnswer answer = DemoAnswer.write(request);
            DemoPace pace = DemoPace.of(request.model(), speed);
            long created = now();
            Flux<ChatCompletionChunk> first = Mono.just(chunk(answer, created, request.model(),
                    new ChatMessage(ChatMessage.ASSISTANT, stringNode(""), null), null))
                    .delayElement(pace.firstToken())
                    .flux();
            Flux<ChatCompletionChunk> tokens = Flux.fromIterable(answer.tokens())
                    .delayElements(pace.perToken())
                    .map(token -> chunk(answer, created, request.model(), new ChatMessage(null, stringNode(token), null),
                            null));
            Flux<ChatCompletionChunk> last = Flux.just(chunk(answer, created, request.model(),
                    new ChatMessage(null, null, null), answer.finishReason()));
            Flux<ChatCompletionChunk> usage = request.includeUsage()
                    ? Flux.just(ChatCompletionChunk.usage(answer.id(), created, request.model(), answer.usage()))
                    : Flux.empty();
            return Flux.concat(first, tokens, last, usage);
        });
    }

    private static ChatCompletionChunk chunk(DemoAnswer answer, long created, String model, ChatMessage delta,
            String finishReason) {
        return new ChatCompletionChunk(answer.id(), ChatCompletionChunk.OBJECT, created, model,
                List.of(new ChunkChoice(0, delta, finishReason, null)), null, null);
    }

    private static JsonNode stringNode(String text) {
        return StringNode.valueOf(text);
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    /** How fast one simulated model is, derived from its name so each model keeps its own character. */
    record DemoPace(Duration firstToken, Duration perToken) {

        static DemoPace of(String model, double speed) {
            int hash = model.hashCode();
            long firstMillis = 250 + Math.floorMod(hash, 450);
            long perTokenMillis = 12 + Math.floorMod(hash / 7, 18);
            return new DemoPace(Duration.ofNanos((long) (firstMillis * 1_000_000 / speed)),
                    Duration.ofNanos((long) (perTokenMillis * 1_000_000 / speed)));
        }

        Duration total(int tokens) {
            return firstToken.plus(perToken.multipliedBy(tokens));
        }
    }
}
