package dev.moagateway.mixture;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import dev.moagateway.openai.ChatCompletion;
import dev.moagateway.openai.ChatCompletionChunk;
import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.Usage;
import dev.moagateway.upstream.Upstream;
import dev.moagateway.upstream.UpstreamRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs a mixture for one request: each layer's proposers concurrently, layer after layer, then the
 * aggregator, whose answer is presented as the mixture's own (its id, the mixture's name, and usage summed
 * over every call). Nothing is shared between requests.
 */
public final class MixtureRunner {

    private static final Logger log = LoggerFactory.getLogger(MixtureRunner.class);

    private final UpstreamRegistry upstreams;

    public MixtureRunner(UpstreamRegistry upstreams) {
        this.upstreams = upstreams;
    }

    /**
     * Emits the aggregator's completion once every layer is done. Errors with {@link QuorumException} when a
     * layer has too few answers, or with the aggregator's failure. Cancelling cancels every call in flight.
     */
    public Mono<ChatCompletion> complete(Mixture mixture, ChatCompletionRequest request) {
        return draft(mixture, request).flatMap(drafts -> upstream(mixture.aggregator())
                .complete(aggregatorRequest(mixture, request, drafts))
                .map(answer -> answer.restamped(ChatCompletion.newId(), now(), request.model(),
                        drafts.usage().plus(answer.usage()))));
    }

    /**
     * Emits the aggregator's chunks as they arrive, once every layer is done, then the usage chunk if the
     * request asked for it. Errors as {@link #complete}; cancelling cancels every call in flight.
     */
    public Flux<ChatCompletionChunk> stream(Mixture mixture, ChatCompletionRequest request) {
        return draft(mixture, request).flatMapMany(drafts -> streamAnswer(mixture, request, drafts));
    }

    private Flux<ChatCompletionChunk> streamAnswer(Mixture mixture, ChatCompletionRequest request, Drafts drafts) {
        String id = ChatCompletion.newId();
        long created = now();
        // Some servers repeat a running total on every chunk: the last usage seen is the call's usage.
        AtomicReference<Usage> aggregatorUsage = new AtomicReference<>(Usage.ZERO);
        Flux<ChatCompletionChunk> tokens = upstream(mixture.aggregator())
                .stream(aggregatorRequest(mixture, request, drafts).asStreamWithUsage())
                .doOnNext(chunk -> {
                    if (chunk.usage() != null) {
                        aggregatorUsage.set(chunk.usage());
                    }
                })
                .filter(chunk -> !chunk.choices().isEmpty())
                .map(chunk -> chunk.restamped(id, created, request.model()));
        if (!request.includeUsage()) {
            return tokens;
        }
        return tokens.concatWith(Mono.fromSupplier(() -> ChatCompletionChunk.usage(id, created, request.model(),
                drafts.usage().plus(aggregatorUsage.get()))));
    }

    private ChatCompletionRequest aggregatorRequest(Mixture mixture, ChatCompletionRequest request, Drafts drafts) {
        return mixture.aggregator()
                .applyTo(request.withMessages(AggregationPrompt.withReferences(request.messages(), drafts.texts())));
    }

    /** Runs the layers in order; each sees the conversation plus the previous layer's answers. */
    private Mono<Drafts> draft(Mixture mixture, ChatCompletionRequest request) {
        Mono<Drafts> drafts = Mono.just(Drafts.NONE);
        for (int i = 0; i < mixture.layers().size(); i++) {
            int number = i + 1;
            Layer layer = mixture.layers().get(i);
            drafts = drafts.flatMap(previous -> runLayer(number, layer, request, previous));
        }
        return drafts;
    }

    /** Proposers run concurrently; {@code flatMapSequential} keeps their order, so prompts are deterministic. */
    private Mono<Drafts> runLayer(int number, Layer layer, ChatCompletionRequest request, Drafts previous) {
        ChatCompletionRequest prompt = request.asSingleCompletion()
                .withMessages(AggregationPrompt.withReferences(request.messages(), previous.texts()));
        return Flux.fromIterable(layer.proposers())
                .flatMapSequential(proposer -> propose(proposer, prompt, layer.deadline()))
                .collectList()
                .flatMap(proposals -> survivors(number, layer, proposals, previous.usage()));
    }

    /**
     * A failure is a value here: the layer decides whether it can do without this proposer. Proposers of a
     * layer start together, so a deadline on each is the layer's deadline.
     */
    private Mono<Proposal> propose(ModelCall proposer, ChatCompletionRequest prompt, Duration deadline) {
        Mono<Proposal> outcome = upstream(proposer).complete(proposer.applyTo(prompt))
                .map(completion -> Proposal.answered(proposer.model(), completion.firstText(), completion.usage()));
        if (deadline != null) {
            outcome = outcome.timeout(deadline, Mono.fromSupplier(() -> Proposal.failed(proposer.model(),
                    proposer.model() + " did not answer within the layer's deadline of " + deadline.toMillis() + " ms")));
        }
        return outcome
                .onErrorResume(failure -> Mono.just(Proposal.failed(proposer.model(),
                        String.valueOf(failure.getMessage()))))
                .doOnNext(proposal -> {
                    if (!proposal.succeeded()) {
                        log.warn("Proposer dropped: {}", proposal.failure());
                    }
                });
    }

    private Mono<Drafts> survivors(int number, Layer layer, List<Proposal> proposals, Usage usageSoFar) {
        List<Proposal> answered = proposals.stream().filter(Proposal::succeeded).toList();
        if (answered.size() < layer.minProposers()) {
            String failures = proposals.stream()
                    .filter(proposal -> !proposal.succeeded())
                    .map(Proposal::failure)
                    .collect(Collectors.joining("; "));
            return Mono.error(new QuorumException("Layer " + number + " of the mixture got " + answered.size() + " of "
                    + proposals.size() + " answers and needs " + layer.minProposers() + ": " + failures));
        }
        // Answers are the users' data: they are logged only when asked for, at DEBUG.
        answered.forEach(proposal -> log.debug("Layer {}, {}: {}", number, proposal.model(), proposal.text()));
        Usage usage = answered.stream().map(Proposal::usage).reduce(usageSoFar, Usage::plus);
        return Mono.just(new Drafts(answered.stream().map(Proposal::text).toList(), usage));
    }

    private Upstream upstream(ModelCall call) {
        return upstreams.find(call.ref().provider())
                .orElseThrow(() -> new IllegalStateException("No provider '" + call.ref().provider() + "'"));
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }
}
