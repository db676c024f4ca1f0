package dev.moagateway.mixture;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.moagateway.mixture.MixtureEvent.AggregatorSettled;
import dev.moagateway.mixture.MixtureEvent.AggregatorStarted;
import dev.moagateway.mixture.MixtureEvent.AnalysisSettled;
import dev.moagateway.mixture.MixtureEvent.AnalysisStarted;
import dev.moagateway.mixture.MixtureEvent.AnswerChunk;
import dev.moagateway.mixture.MixtureEvent.DraftDelta;
import dev.moagateway.mixture.MixtureEvent.LayerSettled;
import dev.moagateway.mixture.MixtureEvent.LayerStarted;
import dev.moagateway.mixture.MixtureEvent.ProposalSettled;
import dev.moagateway.mixture.MixtureEvent.RunFinished;
import dev.moagateway.mixture.MixtureEvent.RunStarted;
import dev.moagateway.mixture.MixturePlan.LayerPlan;
import dev.moagateway.observability.CallLabels;
import dev.moagateway.observability.ObservedCall;
import dev.moagateway.observability.RequestScope;
import dev.moagateway.openai.ChatCompletion;
import dev.moagateway.openai.ChatCompletionChunk;
import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.ChatMessage;
import dev.moagateway.openai.Usage;
import dev.moagateway.upstream.Outcome;
import dev.moagateway.upstream.UpstreamException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
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
     * with the aggregator's {@link UpstreamException}. Cancelling cancels every call in flight. Its spans,
     * meters and log lines are {@code scope}'s.
     */
    public Flux<MixtureEvent> run(MixturePlan plan, ChatCompletionRequest request, RequestScope scope) {
        return scope.run(plan.id(), Flux.defer(() -> {
            Run run = new Run(plan, request, scope);
            List<Flux<MixtureEvent>> steps = new ArrayList<>();
            steps.add(Flux.just(run.started()));
            List<LayerPlan> layers = plan.layers();
            Staircase staircase = climbs(plan, request) ? plan.staircase() : null;
            int waitedFor = staircase == null ? layers.size() : layers.size() - 1;
            layers.subList(0, waitedFor).forEach(layer -> steps.add(Flux.defer(() -> runLayer(run, layer))));
            steps.add(Flux.defer(() -> staircase == null ? aggregate(run)
                    : climb(run, layers.get(layers.size() - 1), staircase)));
            return Flux.concat(steps).doOnCancel(() -> scope.log(() -> log.debug(
                    "{}: the client left; calls in flight cancelled", plan.id())));
        }));
    }

    /**
     * Whether the aggregator climbs the drafts as they grow. It cannot for a request with tools, a response format
     * or several choices: no step may continue a tool call, a constrained answer or several answers at once.
     */
    private static boolean climbs(MixturePlan plan, ChatCompletionRequest request) {
        return plan.staircase() != null && !request.offersTools() && !request.extra().containsKey("response_format")
                && (request.n() == null || request.n() <= 1);
    }

    /**
     * Proposers start together; their events interleave as they come, and each settles once. The layer is cut
     * short by its deadline, or once its quorum has answered and the grace after it has passed.
     */
    private Flux<MixtureEvent> runLayer(Run run, LayerPlan layer) {
        long start = System.nanoTime();
        run.scope.phase("proposers");
        run.scope.layerStarted(layer.number());
        ChatCompletionRequest prompt = run.request.asSingleCompletion().asStreamWithUsage();
        CallReport[] settled = new CallReport[layer.proposers().size()];
        AtomicReference<String> cut = new AtomicReference<>();
        Sinks.Empty<Void> quorum = Sinks.empty();
        AtomicInteger answered = new AtomicInteger();
        Flux<MixtureEvent> calls = Flux.merge(IntStream.range(0, settled.length)
                .mapToObj(index -> propose(run, layer.number(), index, layer.proposers().get(index), prompt,
                        () -> cut.get() != null))
                .toList());
        List<Mono<String>> cutoffs = new ArrayList<>();
        if (layer.deadline() != null) {
            cutoffs.add(Mono.delay(layer.deadline()).thenReturn("the layer's deadline of "
                    + layer.deadline().toMillis() + " ms"));
        }
        if (layer.grace() != null) {
            calls = calls.doOnNext(event -> {
                if (event instanceof ProposalSettled proposal && proposal.report().answered()
                        && answered.incrementAndGet() == layer.minProposers()) {
                    quorum.tryEmitEmpty();
                }
            });
            cutoffs.add(quorum.asMono().then(Mono.delay(layer.grace())).thenReturn("the layer's grace of "
                    + layer.grace().toMillis() + " ms after " + layer.minProposers() + " answered"));
        }
        if (!cutoffs.isEmpty()) {
            // Cutting the merged stream cancels the calls still in flight, which are then late, not cancelled.
            calls = calls.takeUntilOther(Mono.firstWithValue(cutoffs).doOnNext(cut::set));
        }
        // Noted after the cut: a proposal that settles as the layer is cut is either passed on or late.
        Flux<MixtureEvent> noted = calls.doOnNext(event -> {
            if (event instanceof ProposalSettled proposal) {
                settled[proposal.index()] = proposal.report();
            }
        });
        return Flux.concat(Flux.just(new LayerStarted(layer.number(), layer.ids())), noted,
                Flux.defer(() -> settle(run, layer, settled, start, cut.get())));
    }

    /**
     * A failure is a value here: the layer decides whether it can do without this proposer. {@code cut} tells
     * whether a cancellation is the layer's cut rather than the client leaving.
     */
    private Flux<MixtureEvent> propose(Run run, int layer, int index, Member proposer, ChatCompletionRequest prompt,
            BooleanSupplier cut) {
        ChatCompletionRequest advisory = AdvisorPrompt.of(prompt, proposer.upstream().toolMessages());
        return run.promptFor(proposer, advisory).flatMapMany(shaped -> {
            CallTally tally = new CallTally(proposer.id(), proposer.sample());
            ObservedCall call = run.scope.call(CallLabels.proposer(proposer.provider(), proposer.upstreamModel(),
                    run.plan.id(), layer), shaped);
            Flux<MixtureEvent> drafts = chunks(proposer, shaped, call).handle((chunk, sink) -> {
                String text = tally.read(chunk);
                if (!text.isEmpty()) {
                    sink.next(new DraftDelta(layer, index, proposer.id(), proposer.sample(), text));
                }
            });
            return drafts
                    .concatWith(Mono.fromSupplier(() -> new ProposalSettled(layer, index, ended(call,
                            tally.proposal()))))
                    .onErrorResume(failure -> Mono.just(new ProposalSettled(layer, index, ended(call,
                            tally.failed(Outcome.of(failure), String.valueOf(failure.getMessage()))))))
                    .doOnCancel(() -> {
                        Outcome outcome = cut.getAsBoolean() ? Outcome.LATE : Outcome.CANCELLED;
                        call.end(outcome, null);
                        run.scope.log(() -> log.debug("Layer {}, {}: {}", layer, proposer.id(), outcome.wireName()));
                    });
        });
    }

    /** The report, with the cost its call was counted at. */
    private static CallReport ended(ObservedCall call, CallReport report) {
        call.end(report.outcome(), report.text());
        return report.withCost(call.costUsd());
    }

    /** Late proposals settle now, in order; then the layer, which fails the run without its quorum. */
    /** {@code cut}: what went on without the proposals still missing, or null when none is. */
    private Flux<MixtureEvent> settle(Run run, LayerPlan layer, CallReport[] settled, long start, String cut) {
        List<MixtureEvent> events = new ArrayList<>();
        for (int index = 0; index < settled.length; index++) {
            if (settled[index] == null) {
                settled[index] = late(layer.proposers().get(index), cut, start);
                events.add(new ProposalSettled(layer.number(), index, settled[index]));
            }
        }
        List<CallReport> proposals = List.of(settled);
        proposals.stream().filter(report -> !report.answered())
                .forEach(report -> run.scope.log(() -> log.warn("Proposer dropped: {}", report.error())));
        long duration = System.nanoTime() - start;
        run.scope.layerSettled(layer.number(), duration);
        events.add(new LayerSettled(layer.number(), proposals, CallTally.millis(duration)));
        Flux<MixtureEvent> done = Flux.fromIterable(events);
        List<CallReport> answered = proposals.stream().filter(CallReport::answered).toList();
        if (answered.size() < layer.minProposers()) {
            return done.concatWith(Mono.error(quorumFailure(layer, proposals, answered.size())));
        }
        // Answers are the users' data: they are logged only when asked for, at DEBUG.
        answered.forEach(report -> run.scope.log(() -> log.debug("Layer {}, {}: {}", layer.number(), report.model(),
                report.text())));
        run.settled(proposals);
        return done;
    }

    private static CallReport late(Member proposer, String cut, long start) {
        return new CallReport(proposer.id(), proposer.sample(), Outcome.LATE, null,
                proposer.id() + " did not answer within " + cut, null, null,
                CallTally.millis(System.nanoTime() - start), null);
    }

    private static QuorumException quorumFailure(LayerPlan layer, List<CallReport> proposals, int answered) {
        String failures = proposals.stream()
                .filter(report -> !report.answered())
                .map(CallReport::error)
                .collect(Collectors.joining("; "));
        return new QuorumException("Layer " + layer.number() + " of the mixture got " + answered + " of "
                + proposals.size() + " answers and needs " + layer.minProposers() + ": " + failures);
    }

    /** The analyst first, when the aggregator has one; then the answer. */
    private Flux<MixtureEvent> aggregate(Run run) {
        Member analyst = run.plan.analyst();
        if (analyst == null) {
            return answer(run, null);
        }
        return Flux.concat(Flux.just(new AnalysisStarted(analyst.id(), run.references.size())),
                analyse(run, analyst).flatMapMany(report -> Flux.concat(Flux.just(new AnalysisSettled(report)),
                        answer(run, report.answered() ? report.text() : null))));
    }

    /**
     * The analyst's call, not streamed: its analysis is only of use whole. A failure is a value here, as a
     * proposer's is: the aggregator can still answer from the drafts.
     */
    private Mono<CallReport> analyse(Run run, Member analyst) {
        run.scope.phase("analysis");
        ChatCompletionRequest advisory = AdvisorPrompt.of(run.request.asSingleCompletion(),
                analyst.upstream().toolMessages());
        return run.promptFor(analyst, advisory, AggregationPrompt::forAnalysis)
                .flatMap(shaped -> {
                    long start = System.nanoTime();
                    ObservedCall call = run.scope.call(CallLabels.analyst(analyst.provider(),
                            analyst.upstreamModel(), run.plan.id(), run.plan.layers().size() + 1), shaped);
                    return analyst.upstream().complete(shaped, call)
                            .map(body -> analysis(analyst, body, start))
                            .onErrorResume(failure -> Mono.just(analysisReport(analyst, Outcome.of(failure), null,
                                    String.valueOf(failure.getMessage()), null, start)))
                            .map(report -> {
                                call.end(report.outcome(), report.text());
                                return run.analysed(report.withCost(call.costUsd()));
                            })
                            .doOnCancel(() -> call.end(Outcome.CANCELLED, null));
                });
    }

    private CallReport analysis(Member analyst, byte[] body, long start) {
        ChatCompletion completion;
        try {
            completion = json.readValue(body, ChatCompletion.class);
        }
        catch (JacksonException notACompletion) {
            throw UpstreamException.malformed(analyst.id(), "sent an analysis that is not a completion");
        }
        String text = completion.firstText();
        return text.isBlank()
                ? analysisReport(analyst, Outcome.EMPTY, null, analyst.id() + " returned an empty analysis",
                        completion.usage(), start)
                : analysisReport(analyst, Outcome.ANSWERED, text, null, completion.usage(), start);
    }

    /** Its text, when it has one, came whole at the end: that is its first token's time too. */
    private static CallReport analysisReport(Member analyst, Outcome outcome, String text, String error, Usage usage,
            long start) {
        long duration = CallTally.millis(System.nanoTime() - start);
        return new CallReport(analyst.id(), null, outcome, text, error, usage, text == null ? null : duration,
                duration, null);
    }

    /** The aggregator's chunks as they come, from the drafts and their analysis, if any; its failure is the run's. */
    private Flux<MixtureEvent> answer(Run run, String analysis) {
        Member aggregator = run.plan.aggregator();
        run.scope.phase("aggregator");
        Mono<ChatCompletionRequest> prompt = run.promptFor(aggregator, run.request.asStreamWithUsage(),
                (conversation, drafts) -> AggregationPrompt.withReferences(conversation, drafts, analysis,
                        run.request.offersTools()));
        Flux<MixtureEvent> answer = prompt.flatMapMany(shaped -> {
            CallTally tally = new CallTally(aggregator.id(), null);
            ObservedCall call = aggregatorCall(run, shaped);
            Flux<MixtureEvent> chunks = chunks(aggregator, shaped, call)
                    .<MixtureEvent>handle((chunk, sink) -> {
                        tally.read(chunk);
                        if (!chunk.choices().isEmpty()) {
                            sink.next(new AnswerChunk(chunk));
                        }
                    })
                    .doOnError(failure -> call.end(Outcome.of(failure), null))
                    .doOnCancel(() -> call.end(Outcome.CANCELLED, null));
            Flux<MixtureEvent> settled = Flux.defer(() -> {
                CallReport report = tally.aggregation();
                call.end(report.outcome(), tally.text());
                CallReport priced = report.withCost(call.costUsd());
                return Flux.just(new AggregatorSettled(priced), run.finished(priced));
            });
            return chunks.concatWith(settled);
        });
        return Flux.concat(Flux.just(new AggregatorStarted(aggregator.id(), run.references.size())), answer);
    }

    /**
     * The last layer and a staircase aggregator at once. The first step starts once every draft still being
     * written has {@code chunk-tokens} tokens (or the layer has settled, by its deadline or grace too); each step
     * is sent the drafts so far and the answer so far to continue, and writes at most a chunk; the next starts
     * once the drafts have grown by another chunk. The step after the layer has settled, from its answered
     * drafts, finishes the answer. The layer's failure, or any step's, is the run's.
     */
    private Flux<MixtureEvent> climb(Run run, LayerPlan layer, Staircase staircase) {
        GrowingDrafts drafts = new GrowingDrafts(layer.proposers().size(), layer.minProposers());
        Member aggregator = run.plan.aggregator();
        Flux<MixtureEvent> answer = drafts.grownTo(staircase.chunkTokens()).thenMany(Flux.defer(() -> {
            run.scope.phase("aggregator");
            StaircaseAnswer stairs = new StaircaseAnswer(aggregator);
            int references = drafts.complete() ? run.references.size() : drafts.texts().size();
            return Flux.concat(Flux.just(new AggregatorStarted(aggregator.id(), references)),
                    step(run, drafts, stairs, staircase, 1));
        }));
        // Noted once merged, so that a step the note starts comes after the event that started it.
        return Flux.merge(runLayer(run, layer), answer).doOnNext(drafts::note);
    }

    private Flux<MixtureEvent> step(Run run, GrowingDrafts drafts, StaircaseAnswer stairs, Staircase staircase,
            int number) {
        Member aggregator = run.plan.aggregator();
        boolean last = drafts.complete();
        List<String> references = last ? run.references : drafts.texts();
        Mono<ChatCompletionRequest> prompt = run.promptFor(aggregator, run.request.asStreamWithUsage(), references,
                (conversation, texts) -> stairs.continuing(last ? AggregationPrompt.withReferences(conversation, texts)
                        : AggregationPrompt.withPartialReferences(conversation, texts)));
        return prompt.flatMapMany(framed -> {
            if (stairs.exhausted(framed)) {
                // The answer is as long as it may be; it ends once the layer has, whose calls the run counts.
                return last ? settled(run, stairs, Flux.just(new AnswerChunk(StaircaseAnswer.finishedAtLimit())))
                        : drafts.grownTo(Integer.MAX_VALUE)
                                .thenMany(Flux.defer(() -> step(run, drafts, stairs, staircase, number + 1)));
            }
            ChatCompletionRequest shaped = stairs.step(framed, last ? null : staircase.chunkTokens());
            CallTally tally = new CallTally(aggregator.id(), null);
            ObservedCall call = aggregatorCall(run, shaped);
            Flux<MixtureEvent> chunks = chunks(aggregator, shaped, call)
                    .<MixtureEvent>handle((chunk, sink) -> {
                        tally.read(chunk);
                        ChatCompletionChunk relayed = stairs.relay(chunk, last);
                        if (relayed != null) {
                            sink.next(new AnswerChunk(relayed));
                        }
                    })
                    .doOnError(failure -> call.end(Outcome.of(failure), null))
                    .doOnCancel(() -> call.end(Outcome.CANCELLED, null));
            return chunks.concatWith(Flux.defer(() -> {
                call.end(tally.aggregation().outcome(), tally.text());
                stairs.stepped(tally, call.costUsd());
                if (last) {
                    run.scope.log(() -> log.debug("{}: answered in {} staircase steps", run.plan.id(), stairs.steps()));
                    return settled(run, stairs, Flux.empty());
                }
                return drafts.grownTo((number + 1) * staircase.chunkTokens())
                        .thenMany(Flux.defer(() -> step(run, drafts, stairs, staircase, number + 1)));
            }));
        });
    }

    private static Flux<MixtureEvent> settled(Run run, StaircaseAnswer stairs, Flux<MixtureEvent> before) {
        return before.concatWith(Flux.defer(() -> {
            CallReport report = stairs.report();
            return Flux.just(new AggregatorSettled(report), run.finished(report));
        }));
    }

    /** An aggregator's call, a staircase's step too, as its meters and span name it. */
    private static ObservedCall aggregatorCall(Run run, ChatCompletionRequest shaped) {
        Member aggregator = run.plan.aggregator();
        return run.scope.call(CallLabels.aggregator(aggregator.provider(), aggregator.upstreamModel(), run.plan.id(),
                run.plan.layers().size() + 1), shaped);
    }

    /** The member's chunks, each decoded once. */
    private Flux<ChatCompletionChunk> chunks(Member member, ChatCompletionRequest request, ObservedCall call) {
        return member.upstream().stream(request, call).handle((data, sink) -> {
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
        private final RequestScope scope;
        private final long start = System.nanoTime();
        private List<String> references = List.of();
        private Usage usage = Usage.ZERO;
        private final List<Double> costs = new ArrayList<>();

        Run(MixturePlan plan, ChatCompletionRequest request, RequestScope scope) {
            this.plan = plan;
            this.request = request;
            this.scope = scope;
        }

        RunStarted started() {
            return new RunStarted(plan.id(), plan.layers().stream().map(LayerPlan::ids).toList(),
                    plan.aggregator().id());
        }

        /**
         * What {@code member} is sent: {@code base} with the last settled layer's answers as references, cut to fit
         * the member's context window where they must be. Cutting encodes the prompt, so it runs off the event loop.
         */
        Mono<ChatCompletionRequest> promptFor(Member member, ChatCompletionRequest base) {
            return promptFor(member, base, AggregationPrompt::withReferences);
        }

        /** As {@link #promptFor(Member, ChatCompletionRequest)}, the references framed by {@code framing}. */
        Mono<ChatCompletionRequest> promptFor(Member member, ChatCompletionRequest base,
                BiFunction<List<ChatMessage>, List<String>, List<ChatMessage>> framing) {
            return promptFor(member, base, references, framing);
        }

        /** As {@link #promptFor(Member, ChatCompletionRequest)}, with {@code drafts} framed by {@code framing}. */
        Mono<ChatCompletionRequest> promptFor(Member member, ChatCompletionRequest base, List<String> drafts,
                BiFunction<List<ChatMessage>, List<String>, List<ChatMessage>> framing) {
            Function<List<String>, ChatCompletionRequest> build = references -> member.applyTo(
                    base.withMessages(framing.apply(base.messages(), references)));
            ChatCompletionRequest whole = build.apply(drafts);
            if (drafts.isEmpty() || ReferenceBudget.surelyFits(member.contextWindow(), whole)) {
                return Mono.just(whole);
            }
            return Mono.fromCallable(() -> ReferenceBudget.fit(member.contextWindow(), drafts, build))
                    .subscribeOn(Schedulers.parallel())
                    .doOnNext(fitted -> {
                        if (fitted.cut() > 0) {
                            scope.log(() -> log.info("{}: {} of {} references cut to fit its context window of {} "
                                    + "tokens", member.id(), fitted.cut(), drafts.size(),
                                    member.contextWindow().tokens()));
                        }
                    })
                    .map(ReferenceBudget.Fitted::request);
        }

        void settled(List<CallReport> proposals) {
            references = proposals.stream().filter(CallReport::answered).map(CallReport::text).toList();
            usage = proposals.stream().map(CallReport::usage).reduce(usage, Usage::plus);
            proposals.stream().map(CallReport::costUsd).filter(Objects::nonNull).forEach(costs::add);
        }

        CallReport analysed(CallReport analysis) {
            usage = usage.plus(analysis.usage());
            if (analysis.costUsd() != null) {
                costs.add(analysis.costUsd());
            }
            if (!analysis.answered()) {
                scope.log(() -> log.warn("Analysis dropped, the aggregator answers without it: {}", analysis.error()));
            }
            return analysis;
        }

        /** The total cost is that of the calls with a price, or null when none had one. */
        RunFinished finished(CallReport aggregation) {
            if (aggregation.costUsd() != null) {
                costs.add(aggregation.costUsd());
            }
            Double cost = costs.isEmpty() ? null : costs.stream().mapToDouble(Double::doubleValue).sum();
            return new RunFinished(usage.plus(aggregation.usage()), cost, CallTally.millis(System.nanoTime() - start));
        }
    }
}
