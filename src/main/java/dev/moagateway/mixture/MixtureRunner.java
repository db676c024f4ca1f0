package dev.moagateway.mixture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.moagateway.mixture.MixtureEvent.AggregatorSettled;
import dev.moagateway.mixture.MixtureEvent.AggregatorStarted;
import dev.moagateway.mixture.MixtureEvent.AnswerChunk;
import dev.moagateway.mixture.MixtureEvent.DraftDelta;
import dev.moagateway.mixture.MixtureEvent.LayerSettled;
import dev.moagateway.mixture.MixtureEvent.LayerStarted;
import dev.moagateway.mixture.MixtureEvent.ProposalSettled;
import dev.moagateway.mixture.MixtureEvent.RunFinished;
import dev.moagateway.mixture.MixtureEvent.RunStarted;
import dev.moagateway.mixture.MixturePlan.LayerPlan;
import dev.moagateway.openai.ChatCompletionChunk;
import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.Usage;
import dev.moagateway.upstream.UpstreamException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs a mixture for one request as a stream of {@link MixtureEvent}s: each layer's proposers streamed
 * concurrently, layer after layer, then the aggregator. Nothing is shared between requests.
 */
public final class MixtureRunner {

    private static final Logger log = LoggerFactory.getLogger(MixtureRunner.class);

    private final JsonMapper json;

    public MixtureRunner(JsonMapper json) {
        this.json = json;
    }

    /**
     * Emits the run's events and completes after {@link RunFinished}. A proposer's failure is an event, not an
     * error; the run errors with {@link QuorumException} after a layer that settled with too few answers, or
     * with the aggregator's {@link UpstreamException}. Cancelling cancels every call in flight.
     */
    public Flux<MixtureEvent> run(MixturePlan plan, ChatCompletionRequest request) {
        return Flux.defer(() -> {
            Run run = new Run(plan, request);
            List<Flux<MixtureEvent>> steps = new ArrayList<>();
            steps.add(Flux.just(run.started()));
            plan.layers().forEach(layer -> steps.add(Flux.defer(() -> runLayer(run, layer))));
            steps.add(Flux.defer(() -> aggregate(run)));
            return Flux.concat(steps).doOnCancel(() -> log.debug("{}: the client left; calls in flight cancelled",
                    plan.id()));
        });
    }

    /** Proposers start together; their events interleave as they come, and each settles once. */
    private Flux<MixtureEvent> runLayer(Run run, LayerPlan layer) {
        long start = System.nanoTime();
        ChatCompletionRequest prompt = run.prompt().asSingleCompletion().asStreamWithUsage();
        CallReport[] settled = new CallReport[layer.proposers().size()];
        Flux<MixtureEvent> calls = Flux.merge(IntStream.range(0, settled.length)
                .mapToObj(index -> propose(layer.number(), index, layer.proposers().get(index), prompt))
                .toList());
        if (layer.deadline() != null) {
            // Cutting the merged stream cancels the calls still in flight.
            calls = calls.takeUntilOther(Mono.delay(layer.deadline()));
        }
        // Noted after the cut: a proposal that settles as the deadline passes is either passed on or late.
        Flux<MixtureEvent> noted = calls.doOnNext(event -> {
            if (event instanceof ProposalSettled proposal) {
                settled[proposal.index()] = proposal.report();
            }
        });
        return Flux.concat(Flux.just(new LayerStarted(layer.number(), layer.ids())), noted,
                Flux.defer(() -> settle(run, layer, settled, start)));
    }

    /** A failure is a value here: the layer decides whether it can do without this proposer. */
    private Flux<MixtureEvent> propose(int layer, int index, Member proposer, ChatCompletionRequest prompt) {
        return Flux.defer(() -> {
            CallTally tally = new CallTally(proposer.id());
            Flux<MixtureEvent> drafts = chunks(proposer, proposer.applyTo(prompt)).handle((chunk, sink) -> {
                String text = tally.read(chunk);
                if (!text.isEmpty()) {
                    sink.next(new DraftDelta(layer, index, proposer.id(), text));
                }
            });
            return drafts
                    .concatWith(Mono.fromSupplier(() -> new ProposalSettled(layer, index, tally.proposal())))
                    .onErrorResume(failure -> Mono.just(new ProposalSettled(layer, index,
                            tally.failed(Outcome.of(failure), String.valueOf(failure.getMessage())))))
                    .doOnCancel(() -> log.debug("Layer {}, {}: {}", layer, proposer.id(), Outcome.CANCELLED.wireName()));
        });
    }

    /** Late proposals settle now, in order; then the layer, which fails the run without its quorum. */
    private Flux<MixtureEvent> settle(Run run, LayerPlan layer, CallReport[] settled, long start) {
        List<MixtureEvent> events = new ArrayList<>();
        for (int index = 0; index < settled.length; index++) {
            if (settled[index] == null) {
                settled[index] = late(layer.proposers().get(index), layer.deadline(), start);
                events.add(new ProposalSettled(layer.number(), index, settled[index]));
            }
        }
        List<CallReport> proposals = List.of(settled);
        proposals.stream().filter(report -> !report.answered())
                .forEach(report -> log.warn("Proposer dropped: {}", report.error()));
        events.add(new LayerSettled(layer.number(), proposals, CallTally.millis(System.nanoTime() - start)));
        Flux<MixtureEvent> done = Flux.fromIterable(events);
        List<CallReport> answered = proposals.stream().filter(CallReport::answered).toList();
        if (answered.size() < layer.minProposers()) {
            return done.concatWith(Mono.error(quorumFailure(layer, proposals, answered.size())));
        }
        // Answers are the users' data: they are logged only when asked for, at DEBUG.
        answered.forEach(report -> log.debug("Layer {}, {}: {}", layer.number(), report.model(), report.text()));
        run.settled(proposals);
        return done;
    }

    private static CallReport late(Member proposer, Duration deadline, long start) {
        return new CallReport(proposer.id(), Outcome.LATE, null, proposer.id() + " did not answer within the layer's "
                + "deadline of " + deadline.toMillis() + " ms", null, null, CallTally.millis(System.nanoTime() - start));
    }

    private static QuorumException quorumFailure(LayerPlan layer, List<CallReport> proposals, int answered) {
        String failures = proposals.stream()
                .filter(report -> !report.answered())
                .map(CallReport::error)
                .collect(Collectors.joining("; "));
        return new QuorumException("Layer " + layer.number() + " of the mixture got " + answered + " of "
                + proposals.size() + " answers and needs " + layer.minProposers() + ": " + failures);
    }

    /** The aggregator's chunks as they come; its failure is the run's. */
    private Flux<MixtureEvent> aggregate(Run run) {
        Member aggregator = run.plan.aggregator();
        CallTally tally = new CallTally(aggregator.id());
        Flux<MixtureEvent> answer = chunks(aggregator, aggregator.applyTo(run.prompt()).asStreamWithUsage())
                .handle((chunk, sink) -> {
                    tally.read(chunk);
                    if (!chunk.choices().isEmpty()) {
                        sink.next(new AnswerChunk(chunk));
                    }
                });
        Flux<MixtureEvent> settled = Flux.defer(() -> {
            CallReport report = tally.aggregation();
            return Flux.just(new AggregatorSettled(report), run.finished(report));
        });
        return Flux.concat(Flux.just(new AggregatorStarted(aggregator.id(), run.references.size())), answer, settled);
    }

    /** The member's chunks, each decoded once. */
    private Flux<ChatCompletionChunk> chunks(Member member, ChatCompletionRequest request) {
        return member.upstream().stream(request).handle((data, sink) -> {
            try {
                sink.next(json.readValue(data, ChatCompletionChunk.class));
            }
            catch (JacksonException notAChunk) {
                sink.error(UpstreamException.malformed(member.id(), "sent an event that is not a chunk"));
            }
        });
    }

    /** One run's state, handed from layer to layer: they run one after another, never at once. */
    private static final class Run {

        private final MixturePlan plan;
        private final ChatCompletionRequest request;
        private final long start = System.nanoTime();
        private List<String> references = List.of();
        private Usage usage = Usage.ZERO;

        Run(MixturePlan plan, ChatCompletionRequest request) {
            this.plan = plan;
            this.request = request;
        }

        RunStarted started() {
            return new RunStarted(plan.id(), plan.layers().stream().map(LayerPlan::ids).toList(),
                    plan.aggregator().id());
        }

        /** The conversation, with the last settled layer's answers as references. */
        ChatCompletionRequest prompt() {
            return request.withMessages(AggregationPrompt.withReferences(request.messages(), references));
        }

        void settled(List<CallReport> proposals) {
            references = proposals.stream().filter(CallReport::answered).map(CallReport::text).toList();
            usage = proposals.stream().map(CallReport::usage).reduce(usage, Usage::plus);
        }

        RunFinished finished(CallReport aggregation) {
            return new RunFinished(usage.plus(aggregation.usage()), CallTally.millis(System.nanoTime() - start));
        }
    }
}
