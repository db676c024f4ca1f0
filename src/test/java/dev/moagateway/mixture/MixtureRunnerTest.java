package dev.moagateway.mixture;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
import dev.moagateway.observability.RequestScope;
import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.ChatMessage;
import dev.moagateway.openai.ChunkChoice;
import dev.moagateway.openai.Usage;
import dev.moagateway.testing.UpstreamBodies;
import dev.moagateway.upstream.CallObserver;
import dev.moagateway.upstream.Outcome;
import dev.moagateway.upstream.Prefill;
import dev.moagateway.upstream.Upstream;
import dev.moagateway.upstream.UpstreamException;
import dev.moagateway.upstream.UpstreamRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The run as a stream of events, over an in-memory provider whose models are scripted per test. */
class MixtureRunnerTest {

    private final Scripted fake = new Scripted();
    private final MixtureRunner runner = new MixtureRunner(JsonMapper.shared());
    private final ChatCompletionRequest question = ChatCompletionRequest.of("mix",
            List.of(ChatMessage.of(ChatMessage.USER, "Why?")));

    @Test
    void eventsComeAsTheCallsProgressAndReferencesKeepTheConfiguredOrder() {
        fake.streams("slow", Duration.ofMillis(30), "Slow", " answer.");
        fake.streams("fast", Duration.ofMillis(10), "Fast", " answer.");
        fake.streams("agg", Duration.ofMillis(5), "Final", " answer.");

        List<MixtureEvent> events = run(plan(null, 1, "slow", "fast")).collectList()
                .block(Duration.ofSeconds(5));

        assertThat(events.get(0)).isEqualTo(new RunStarted("mix", List.of(List.of("fake/slow", "fake/fast")), "fake/agg"));
        assertThat(events.get(1)).isEqualTo(new LayerStarted(1, List.of("fake/slow", "fake/fast")));
        assertThat(events).filteredOn(ProposalSettled.class::isInstance).extracting(e -> ((ProposalSettled) e).index())
                .containsExactly(1, 0);
        assertThat(texts(events, 0)).isEqualTo("Slow answer.");
        assertThat(texts(events, 1)).isEqualTo("Fast answer.");
        LayerSettled layer = only(events, LayerSettled.class);
        assertThat(layer.proposals()).extracting(CallReport::model).containsExactly("fake/slow", "fake/fast");
        assertThat(layer.proposals()).allSatisfy(report -> {
            assertThat(report.outcome()).isEqualTo(Outcome.ANSWERED);
            assertThat(report.firstTokenMs()).isNotNull().isLessThanOrEqualTo(report.durationMs());
        });
        assertThat(only(events, AggregatorStarted.class)).isEqualTo(new AggregatorStarted("fake/agg", 2));
        assertThat(events).filteredOn(AnswerChunk.class::isInstance)
                .extracting(e -> ((AnswerChunk) e).chunk().text()).containsExactly("", "Final", " answer.", "");
        assertThat(only(events, AggregatorSettled.class).report().outcome()).isEqualTo(Outcome.ANSWERED);
        assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(RunFinished.class, finished ->
                assertThat(finished.usage().completionTokens()).isEqualTo(2 + 2 + 2));
        String system = fake.lastRequest("agg").messages().get(0).text();
        assertThat(system.indexOf("Slow answer.")).isPositive().isLessThan(system.indexOf("Fast answer."));
        assertThat(fake.lastRequest("slow").stream()).isTrue();
    }

    @Test
    void aSampledProposerMakesOneCallPerSampleEachWithItsOwnSettingsAndDraft() {
        fake.streams("self", Duration.ofMillis(5), "Draft.");
        fake.streams("agg", Duration.ZERO, "Final.");
        ModelCall sampled = new ModelCall("fake/self", null, 64, null, null, Map.of("top_k", "40"), 3,
                List.of(0.2, 0.9), List.of(7L), List.of("Be terse.", "Be thorough.", "Be skeptical."), null);
        Mixture mixture = new Mixture(List.of(new Layer(3, List.of(sampled), null, null)), call("agg"), Progress.NONE);

        List<MixtureEvent> events = run(MixturePlan.resolve("mix", mixture, new UpstreamRegistry(Map.of("fake", fake))))
                .collectList().block(Duration.ofSeconds(5));

        List<ChatCompletionRequest> calls = fake.requests("self");
        assertThat(calls).extracting(ChatCompletionRequest::temperature).containsExactly(0.2, 0.9, 0.2);
        assertThat(calls).extracting(call -> call.messages().get(0).text())
                .containsExactly("Be terse.", "Be thorough.", "Be skeptical.");
        assertThat(calls).allSatisfy(call -> {
            assertThat(call.maxTokens()).isEqualTo(64);
            assertThat(call.extra().get("seed").asLong()).isEqualTo(7);
            assertThat(call.extra().get("top_k").asInt()).isEqualTo(40);
        });
        assertThat(only(events, RunStarted.class).layers()).containsExactly(List.of("fake/self", "fake/self", "fake/self"));
        assertThat(only(events, LayerSettled.class).proposals()).extracting(CallReport::label)
                .containsExactly("fake/self #1", "fake/self #2", "fake/self #3");
        assertThat(events).filteredOn(DraftDelta.class::isInstance).extracting(e -> ((DraftDelta) e).sample())
                .containsExactlyInAnyOrder(1, 2, 3);
        assertThat(only(events, AggregatorStarted.class).drafts()).isEqualTo(3);
        assertThat(fake.lastRequest("agg").messages().get(0).text()).contains("<reference id=\"3\">\nDraft.");
    }

    @Test
    void aProposerFailingAfterItStreamedTextIsMalformedAndLeftOutOfTheReferences() {
        fake.streams("good", Duration.ofMillis(5), "Good.");
        fake.script("broken", Flux.concat(Flux.just(chunk("broken", "Hal")),
                Flux.error(UpstreamException.malformed("fake/broken", "failed mid-stream: crashed"))));
        fake.streams("agg", Duration.ZERO, "Done.");

        List<MixtureEvent> events = run(plan(null, 1, "good", "broken")).collectList()
                .block(Duration.ofSeconds(5));

        assertThat(texts(events, 1)).isEqualTo("Hal");
        CallReport broken = only(events, LayerSettled.class).proposals().get(1);
        assertThat(broken.outcome()).isEqualTo(Outcome.MALFORMED);
        assertThat(broken.error()).isEqualTo("fake/broken failed mid-stream: crashed");
        assertThat(broken.text()).isNull();
        assertThat(fake.lastRequest("agg").messages().get(0).text()).contains("Good.").doesNotContain("Hal");
    }

    @Test
    void eachFailureSettlesWithTheOutcomeThatNamesIt() {
        fake.script("refusing", Flux.error(UpstreamException.rejected("fake/refusing", 400, "too long", null)));
        fake.script("away", Flux.error(UpstreamException.unreachable("fake/away", new java.io.IOException("refused"))));
        fake.script("stalled", Flux.error(UpstreamException.timeout("fake/stalled", "first chunk", Duration.ofSeconds(1))));
        fake.script("silent", Flux.just(chunk("silent", ""), finish("silent")));
        fake.script("garbled", Flux.just("{not json"));
        fake.streams("fine", Duration.ZERO, "Fine.");
        fake.streams("agg", Duration.ZERO, "Done.");

        List<MixtureEvent> events = run(plan(null, 1, "refusing", "away", "stalled", "silent", "garbled", "fine"))
                .collectList().block(Duration.ofSeconds(5));

        assertThat(only(events, LayerSettled.class).proposals()).extracting(CallReport::outcome).containsExactly(
                Outcome.REJECTED, Outcome.UNREACHABLE, Outcome.TIMEOUT, Outcome.EMPTY, Outcome.MALFORMED,
                Outcome.ANSWERED);
        assertThat(only(events, LayerSettled.class).proposals().get(0).error()).isEqualTo(
                "fake/refusing returned HTTP 400: too long");
    }

    @Test
    void theDeadlineSettlesStragglersAsLateInOrderAndCancelsTheirCalls() {
        fake.streams("quick", Duration.ofMillis(100), "Quick.");
        fake.script("straggler", Flux.just(chunk("straggler", "Still")).concatWith(Flux.never()));
        fake.streams("agg", Duration.ofMillis(100), "Done.");

        StepVerifier.withVirtualTime(() -> run(plan(Duration.ofSeconds(2), 1, "straggler", "quick"))
                        .filter(event -> event instanceof ProposalSettled || event instanceof LayerSettled))
                .thenAwait(Duration.ofSeconds(1))
                .assertNext(event -> assertThat(((ProposalSettled) event).index()).isEqualTo(1))
                .thenAwait(Duration.ofSeconds(1))
                .assertNext(event -> {
                    CallReport late = ((ProposalSettled) event).report();
                    assertThat(late.outcome()).isEqualTo(Outcome.LATE);
                    assertThat(late.error()).isEqualTo("fake/straggler did not answer within the layer's deadline of 2000 ms");
                })
                .assertNext(event -> assertThat(((LayerSettled) event).answered()).isEqualTo(1))
                .thenAwait(Duration.ofSeconds(1))
                .verifyComplete();
        assertThat(fake.cancelled()).containsExactly("straggler");
    }

    @Test
    void onceTheQuorumHasAnsweredTheGraceSettlesTheRestAsLateAndCancelsThem() {
        fake.streams("quick-1", Duration.ofMillis(100), "One.");
        fake.streams("quick-2", Duration.ofMillis(300), "Two.");
        fake.streams("slow", Duration.ofSeconds(5), "Three.");
        fake.script("hung", Flux.never());
        fake.streams("agg", Duration.ofMillis(100), "Done.");

        StepVerifier.withVirtualTime(() -> run(plan(Duration.ofSeconds(60), Duration.ofSeconds(2), 2,
                                "quick-1", "slow", "quick-2", "hung"))
                        .filter(event -> event instanceof ProposalSettled || event instanceof LayerSettled))
                .thenAwait(Duration.ofMillis(300))
                .assertNext(event -> assertThat(((ProposalSettled) event).index()).isZero())
                .assertNext(event -> assertThat(((ProposalSettled) event).index()).isEqualTo(2))
                .expectNoEvent(Duration.ofMillis(1900))
                .thenAwait(Duration.ofMillis(100))
                .assertNext(event -> {
                    CallReport late = ((ProposalSettled) event).report();
                    assertThat(late.outcome()).isEqualTo(Outcome.LATE);
                    assertThat(late.error()).isEqualTo("fake/slow did not answer within the layer's grace of 2000 ms"
                            + " after 2 answered");
                })
                .assertNext(event -> assertThat(((ProposalSettled) event).report().outcome()).isEqualTo(Outcome.LATE))
                .assertNext(event -> assertThat(((LayerSettled) event).answered()).isEqualTo(2))
                .thenAwait(Duration.ofSeconds(1))
                .verifyComplete();
        assertThat(fake.cancelled()).containsExactlyInAnyOrder("slow", "hung");
    }

    @Test
    void withAGraceButNoQuorumTheDeadlineStillDecides() {
        fake.streams("quick", Duration.ofMillis(100), "One.");
        fake.script("hung", Flux.never());
        fake.streams("agg", Duration.ofMillis(100), "Done.");

        StepVerifier.withVirtualTime(() -> run(plan(Duration.ofSeconds(10), Duration.ofSeconds(1), 2,
                                "quick", "hung"))
                        .filter(LayerSettled.class::isInstance))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(9_999))
                .thenAwait(Duration.ofMillis(1))
                .expectNextCount(1)
                .expectError(QuorumException.class)
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aLayerWithTooFewAnswersSettlesThenFailsTheRunNamingEachFailure() {
        fake.streams("fine", Duration.ZERO, "Fine.");
        fake.script("down", Flux.error(UpstreamException.rejected("fake/down", 503, "overloaded", null)));

        StepVerifier.create(run(plan(null, 2, "fine", "down"))
                        .filter(LayerSettled.class::isInstance))
                .expectNextCount(1)
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(QuorumException.class).hasMessage(
                        "Layer 1 of the mixture got 1 of 2 answers and needs 2: fake/down returned HTTP 503: overloaded"))
                .verify(Duration.ofSeconds(5));
        assertThat(fake.requested()).doesNotContain("agg");
    }

    @Test
    void cancellingWhileTheProposersWorkCancelsEveryCall() {
        fake.script("hang-1", Flux.never());
        fake.script("hang-2", Flux.just(chunk("hang-2", "Some")).concatWith(Flux.never()));

        StepVerifier.create(run(plan(null, 1, "hang-1", "hang-2")))
                .expectNextCount(3)
                .thenCancel()
                .verify(Duration.ofSeconds(5));

        assertThat(fake.cancelled()).containsExactlyInAnyOrder("hang-1", "hang-2");
    }

    @Test
    void cancellingWhileTheAggregatorStreamsCancelsItsCall() {
        fake.streams("fine", Duration.ZERO, "Fine.");
        fake.script("agg", Flux.just(chunk("agg", "Par")).concatWith(Flux.never()));

        StepVerifier.create(run(plan(null, 1, "fine")).filter(AnswerChunk.class::isInstance))
                .expectNextCount(1)
                .thenCancel()
                .verify(Duration.ofSeconds(5));

        assertThat(fake.cancelled()).containsExactly("agg");
    }

    @Test
    void theAnalystReadsTheDraftsFirstAndTheAggregatorAnswersFromDraftsAndAnalysis() {
        fake.streams("a", Duration.ZERO, "Paris.");
        fake.streams("b", Duration.ZERO, "Lyon.");
        fake.completes("agg", Mono.just(UpstreamBodies.completion("agg", "Draft 1 is right.", 50, 20)));
        fake.streams("agg", Duration.ZERO, "Paris.");

        List<MixtureEvent> events = run(judged(new Analysis(null, null, 300), "a", "b")).collectList()
                .block(Duration.ofSeconds(5));

        assertThat(fake.requested()).endsWith("agg (complete)", "agg");
        ChatCompletionRequest analyst = fake.requests("agg").get(0);
        assertThat(analyst.stream()).isNull();
        assertThat(analyst.temperature()).isZero();
        assertThat(analyst.maxTokens()).isEqualTo(300);
        assertThat(analyst.messages().get(0).text()).startsWith(AggregationPrompt.ANALYSIS_INSTRUCTION)
                .contains("Paris.", "Lyon.");
        ChatCompletionRequest aggregator = fake.lastRequest("agg");
        assertThat(aggregator.temperature()).isNull();
        assertThat(aggregator.maxTokens()).isNull();
        assertThat(aggregator.messages().get(0).text()).contains(AggregationPrompt.WITH_ANALYSIS, "Lyon.",
                "<analysis>\nDraft 1 is right.\n</analysis>");
        assertThat(events).filteredOn(event -> event instanceof AnalysisStarted || event instanceof AnalysisSettled
                || event instanceof AggregatorStarted).extracting(Object::getClass)
                .containsExactly(AnalysisStarted.class, AnalysisSettled.class, AggregatorStarted.class);
        assertThat(only(events, AnalysisStarted.class)).isEqualTo(new AnalysisStarted("fake/agg", 2));
        CallReport analysis = only(events, AnalysisSettled.class).report();
        assertThat(analysis.outcome()).isEqualTo(Outcome.ANSWERED);
        assertThat(analysis.text()).isEqualTo("Draft 1 is right.");
        assertThat(analysis.firstTokenMs()).isEqualTo(analysis.durationMs());
        assertThat(only(events, RunFinished.class).usage()).isEqualTo(new Usage(3 + 3 + 50 + 3, 1 + 1 + 20 + 1,
                4 + 4 + 70 + 4));
    }

    @Test
    void aFailedAnalysisLeavesTheAggregatorToAnswerFromTheDraftsAlone() {
        fake.streams("a", Duration.ZERO, "Paris.");
        fake.completes("judge", Mono.error(UpstreamException.rejected("fake/judge", 503, "overloaded", null)));
        fake.streams("agg", Duration.ZERO, "Paris.");

        List<MixtureEvent> events = run(judged(new Analysis("fake/judge", 0.3, null), "a")).collectList()
                .block(Duration.ofSeconds(5));

        assertThat(fake.requests("judge")).singleElement().extracting(ChatCompletionRequest::temperature)
                .isEqualTo(0.3);
        CallReport analysis = only(events, AnalysisSettled.class).report();
        assertThat(analysis.model()).isEqualTo("fake/judge");
        assertThat(analysis.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(analysis.error()).contains("overloaded");
        assertThat(fake.lastRequest("agg").messages().get(0).text()).contains("Paris.").doesNotContain("<analysis>");
        assertThat(only(events, AggregatorSettled.class).report().outcome()).isEqualTo(Outcome.ANSWERED);
    }

    @Test
    void cancellingWhileTheAnalystThinksCancelsItsCallAndTheAggregatorIsNeverAsked() {
        fake.streams("a", Duration.ZERO, "Paris.");
        fake.completes("judge", Mono.never());

        StepVerifier.create(run(judged(new Analysis("fake/judge", null, null), "a")))
                .thenConsumeWhile(event -> !(event instanceof AnalysisStarted))
                .thenAwait(Duration.ofMillis(50))
                .thenCancel()
                .verify(Duration.ofSeconds(5));

        assertThat(fake.cancelled()).containsExactly("judge");
        assertThat(fake.requests("agg")).isEmpty();
    }

    @Test
    void aStaircaseAggregatorStartsOnTheFirstTokensAndContinuesItsOwnTextAsTheDraftsGrow() {
        fake.streams("a", Duration.ofMillis(40), "A1 ", "A2 ", "A3 ", "A4 ", "A5 ", "A6.");
        fake.streams("b", Duration.ofMillis(40), "B1 ", "B2 ", "B3 ", "B4 ", "B5 ", "B6.");
        List<ChatCompletionRequest> steps = new CopyOnWriteArrayList<>();
        fake.answers("agg", request -> {
            steps.add(request);
            return stepAnswer("S" + steps.size() + " ", request.maxTokens() == null ? "stop" : "length");
        });

        List<MixtureEvent> events = run(climbing(2, "a", "b")).collectList().block(Duration.ofSeconds(5));

        assertThat(steps).hasSizeGreaterThanOrEqualTo(3);
        ChatCompletionRequest first = steps.get(0);
        assertThat(first.maxTokens()).isEqualTo(2);
        assertThat(first.messages().get(0).text()).contains(AggregationPrompt.PARTIAL, "A1 A2", "B1 B2")
                .doesNotContain("A6.");
        assertThat(first.messages()).last().extracting(ChatMessage::role).isEqualTo(ChatMessage.USER);
        ChatCompletionRequest second = steps.get(1);
        assertThat(second.messages()).last().satisfies(prefill -> {
            assertThat(prefill.role()).isEqualTo(ChatMessage.ASSISTANT);
            assertThat(prefill.text()).isEqualTo("S1 ");
        });
        assertThat(second.extra()).doesNotContainKey("continue_final_message");
        ChatCompletionRequest last = steps.get(steps.size() - 1);
        assertThat(last.maxTokens()).isNull();
        assertThat(last.messages().get(0).text()).doesNotContain(AggregationPrompt.PARTIAL).contains("A6.", "B6.");
        assertThat(last.messages()).last().extracting(ChatMessage::text)
                .isEqualTo(IntStream.range(1, steps.size()).mapToObj(n -> "S" + n + " ").collect(Collectors.joining()));

        assertThat(events.indexOf(only(events, AggregatorStarted.class)))
                .isLessThan(events.indexOf(only(events, LayerSettled.class)));
        List<ChunkChoice> choices = events.stream().filter(AnswerChunk.class::isInstance)
                .flatMap(event -> ((AnswerChunk) event).chunk().choices().stream()).toList();
        assertThat(choices).filteredOn(choice -> choice.delta() != null && choice.delta().role() != null).hasSize(1);
        assertThat(choices).filteredOn(choice -> choice.finishReason() != null).singleElement()
                .isSameAs(choices.get(choices.size() - 1)).extracting(ChunkChoice::finishReason).isEqualTo("stop");
        assertThat(choices.stream().map(choice -> choice.delta() == null ? "" : choice.delta().text())
                .collect(Collectors.joining()))
                .isEqualTo(IntStream.rangeClosed(1, steps.size()).mapToObj(n -> "S" + n + " ").collect(Collectors.joining()));
        CallReport aggregation = only(events, AggregatorSettled.class).report();
        assertThat(aggregation.usage().completionTokens()).isEqualTo(steps.size());
        assertThat(aggregation.usage().promptTokens()).isEqualTo(3 * steps.size());
        assertThat(only(events, RunFinished.class).usage().completionTokens()).isEqualTo(6 + 6 + steps.size());
    }

    @Test
    void aStepAfterTheFirstAsksAContinueFinalMessageProviderToContinue() {
        fake.prefills(Prefill.CONTINUE_FINAL_MESSAGE);
        fake.streams("a", Duration.ofMillis(40), "A1 ", "A2 ", "A3 ", "A4.");
        List<ChatCompletionRequest> steps = new CopyOnWriteArrayList<>();
        fake.answers("agg", request -> {
            steps.add(request);
            return stepAnswer("S" + steps.size() + " ", "length");
        });

        run(climbing(2, "a")).blockLast(Duration.ofSeconds(5));

        assertThat(steps.get(0).extra()).doesNotContainKeys("continue_final_message", "add_generation_prompt");
        assertThat(steps.subList(1, steps.size())).isNotEmpty().allSatisfy(step -> {
            assertThat(step.extra().get("continue_final_message").asBoolean()).isTrue();
            assertThat(step.extra().get("add_generation_prompt").asBoolean()).isFalse();
        });
    }

    @Test
    void theAnswersOwnLimitCapsTheStepsTogetherAndEndsTheAnswerWhenItIsUsedUp() {
        fake.streams("a", Duration.ofMillis(30), "A1 ", "A2 ", "A3 ", "A4 ", "A5 ", "A6 ", "A7 ", "A8.");
        List<ChatCompletionRequest> steps = new CopyOnWriteArrayList<>();
        fake.answers("agg", request -> {
            steps.add(request);
            return stepAnswer("S" + steps.size() + " ", "length");
        });
        ChatCompletionRequest limited = question.withMaxTokens(3);

        List<MixtureEvent> events = runner.run(climbing(2, "a"), limited, RequestScope.detached()).collectList()
                .block(Duration.ofSeconds(5));

        // Each step reports one completion token: 3 left, then 2, then 1, then none.
        assertThat(steps).extracting(ChatCompletionRequest::maxTokens).containsExactly(2, 2, 1);
        List<ChunkChoice> choices = events.stream().filter(AnswerChunk.class::isInstance)
                .flatMap(event -> ((AnswerChunk) event).chunk().choices().stream()).toList();
        assertThat(choices.get(choices.size() - 1).finishReason()).isEqualTo("length");
        assertThat(only(events, LayerSettled.class).answered()).isEqualTo(1);
        assertThat(events.get(events.size() - 1)).isInstanceOf(RunFinished.class);
    }

    @Test
    void cancellingAStaircaseCancelsTheStepAndTheProposersStillWriting() {
        fake.script("a", Flux.just(chunk("a", "A1"), chunk("a", "A2")).concatWith(Flux.never()));
        fake.script("b", Flux.just(chunk("b", "B1"), chunk("b", "B2")).concatWith(Flux.never()));
        fake.script("agg", Flux.just(chunk("agg", "Par")).concatWith(Flux.never()));

        StepVerifier.create(run(climbing(2, "a", "b")).filter(AnswerChunk.class::isInstance))
                .expectNextCount(1)
                .thenCancel()
                .verify(Duration.ofSeconds(5));

        assertThat(fake.cancelled()).containsExactlyInAnyOrder("a", "b", "agg");
    }

    @Test
    void aStaircaseThatLosesItsQuorumFailsTheRunAndNeverTakesTheLastStep() {
        fake.streams("a", Duration.ofMillis(20), "A1 ", "A2 ", "A3.");
        fake.script("b", Flux.just(chunk("b", "B1"), chunk("b", "B2"))
                .concatWith(Flux.error(UpstreamException.malformed("fake/b", "failed mid-stream: crashed"))));
        List<ChatCompletionRequest> steps = new CopyOnWriteArrayList<>();
        fake.answers("agg", request -> {
            steps.add(request);
            return stepAnswer("S ", "length");
        });
        Mixture mixture = new Mixture(List.of(new Layer(2, List.of(call("a"), call("b")), null, null)), call("agg"),
                Progress.NONE, Aggregation.STAIRCASE, new Staircase(2));

        StepVerifier.create(run(MixturePlan.resolve("mix", mixture, new UpstreamRegistry(Map.of("fake", fake)))))
                .thenConsumeWhile(event -> true)
                .verifyError(QuorumException.class);

        assertThat(steps).allSatisfy(step -> assertThat(step.maxTokens()).isEqualTo(2));
    }

    @Test
    void aStaircaseGivenToolsAggregatesInFullOnceTheLayerHasSettled() {
        fake.streams("a", Duration.ofMillis(10), "A1 ", "A2 ", "A3 ", "A4.");
        fake.streams("b", Duration.ofMillis(10), "B1 ", "B2 ", "B3 ", "B4.");
        List<ChatCompletionRequest> steps = new CopyOnWriteArrayList<>();
        fake.answers("agg", request -> {
            steps.add(request);
            return stepAnswer("Called.", "tool_calls");
        });
        ChatCompletionRequest withTools = question.withExtra("tools", JsonMapper.shared().readTree(
                "[{\"type\": \"function\", \"function\": {\"name\": \"lookup\"}}]"));

        List<MixtureEvent> events = runner.run(climbing(2, "a", "b"), withTools, RequestScope.detached())
                .collectList().block(Duration.ofSeconds(5));

        assertThat(steps).singleElement().satisfies(step -> {
            assertThat(step.maxTokens()).isNull();
            assertThat(step.extra()).containsKey("tools");
            assertThat(step.messages().get(0).text()).contains(AggregationPrompt.WITH_TOOLS, "A4.", "B4.")
                    .doesNotContain(AggregationPrompt.PARTIAL);
            assertThat(step.messages()).last().extracting(ChatMessage::role).isEqualTo(ChatMessage.USER);
        });
        assertThat(fake.lastRequest("a").extra()).doesNotContainKey("tools");
        assertThat(events.indexOf(only(events, LayerSettled.class)))
                .isLessThan(events.indexOf(only(events, AggregatorStarted.class)));
    }

    private Flux<MixtureEvent> run(MixturePlan plan) {
        return runner.run(plan, question, RequestScope.detached());
    }

    private MixturePlan plan(Duration deadline, int minProposers, String... proposers) {
        return plan(deadline, null, minProposers, proposers);
    }

    private MixturePlan plan(Duration deadline, Duration grace, int minProposers, String... proposers) {
        List<ModelCall> calls = new ArrayList<>();
        for (String proposer : proposers) {
            calls.add(call(proposer));
        }
        Mixture mixture = new Mixture(List.of(new Layer(minProposers, calls, deadline, grace)), call("agg"),
                Progress.NONE);
        return MixturePlan.resolve("mix", mixture, new UpstreamRegistry(Map.of("fake", fake)));
    }

    private MixturePlan climbing(int chunkTokens, String... proposers) {
        List<ModelCall> calls = List.of(proposers).stream().map(MixtureRunnerTest::call).toList();
        Mixture mixture = new Mixture(List.of(new Layer(1, calls, null, null)), call("agg"), Progress.NONE,
                Aggregation.STAIRCASE, new Staircase(chunkTokens));
        return MixturePlan.resolve("mix", mixture, new UpstreamRegistry(Map.of("fake", fake)));
    }

    /** One step of a staircase aggregator: its role, its text, its finish, and usage of 3 + 1 tokens. */
    private static Flux<String> stepAnswer(String text, String finishReason) {
        return Flux.just(UpstreamBodies.chunk("agg", "{\"role\":\"assistant\",\"content\":\"\"}", null),
                chunk("agg", text), UpstreamBodies.chunk("agg", "{}", "\"" + finishReason + "\""),
                UpstreamBodies.usageChunk("agg", 3, 1));
    }

    private MixturePlan judged(Analysis analysis, String... proposers) {
        List<ModelCall> calls = List.of(proposers).stream().map(MixtureRunnerTest::call).toList();
        ModelCall aggregator = new ModelCall("fake/agg", null, null, null, null, null, null, null, null, null, analysis);
        Mixture mixture = new Mixture(List.of(new Layer(1, calls, null, null)), aggregator, Progress.NONE);
        return MixturePlan.resolve("mix", mixture, new UpstreamRegistry(Map.of("fake", fake)));
    }

    private static ModelCall call(String model) {
        return new ModelCall("fake/" + model, null, null, null, null, null, null, null, null, null, null);
    }

    private static String texts(List<MixtureEvent> events, int index) {
        StringBuilder text = new StringBuilder();
        events.stream().filter(DraftDelta.class::isInstance).map(DraftDelta.class::cast)
                .filter(delta -> delta.index() == index).forEach(delta -> text.append(delta.text()));
        return text.toString();
    }

    private static <T> T only(List<MixtureEvent> events, Class<T> type) {
        List<T> found = events.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private static String chunk(String model, String text) {
        return UpstreamBodies.chunk(model, "{\"content\":\"" + text + "\"}", null);
    }

    private static String finish(String model) {
        return UpstreamBodies.chunk(model, "{}", "\"stop\"");
    }

    /** Models that stream what each test scripts, noting what they were asked and which calls were cancelled. */
    private static final class Scripted implements Upstream {

        private final Map<String, Function<ChatCompletionRequest, Flux<String>>> scripts = new ConcurrentHashMap<>();
        private final Map<String, Mono<String>> completions = new ConcurrentHashMap<>();
        private final Map<String, List<ChatCompletionRequest>> requests = new ConcurrentHashMap<>();
        private final List<String> requested = new CopyOnWriteArrayList<>();
        private final List<String> cancelled = new CopyOnWriteArrayList<>();

        private Prefill prefill = Prefill.NONE;

        void script(String model, Flux<String> chunks) {
            scripts.put(model, request -> chunks);
        }

        /** The model answers each request as {@code answers} says. */
        void answers(String model, Function<ChatCompletionRequest, Flux<String>> answers) {
            scripts.put(model, answers);
        }

        void prefills(Prefill how) {
            prefill = how;
        }

        @Override
        public Prefill prefill() {
            return prefill;
        }

        /** What the model answers when it is asked without streaming. */
        void completes(String model, Mono<String> completion) {
            completions.put(model, completion);
        }

        /** A stream of these tokens, {@code gap} apart, then a finish and a usage chunk of one token each. */
        void streams(String model, Duration gap, String... tokens) {
            Flux<String> text = Flux.fromArray(tokens).map(token -> chunk(model, token));
            script(model, Flux.concat(Flux.just(UpstreamBodies.chunk(model, "{\"role\":\"assistant\",\"content\":\"\"}", null)),
                    gap.isZero() ? text : text.delayElements(gap),
                    Flux.just(finish(model), UpstreamBodies.usageChunk(model, 3, tokens.length))));
        }

        ChatCompletionRequest lastRequest(String model) {
            List<ChatCompletionRequest> asked = requests(model);
            return asked.get(asked.size() - 1);
        }

        List<ChatCompletionRequest> requests(String model) {
            return requests.getOrDefault(model, List.of());
        }

        List<String> requested() {
            return requested;
        }

        List<String> cancelled() {
            return cancelled;
        }

        /** Noted in {@link #requested()} as the model followed by {@code (complete)}. */
        @Override
        public Mono<byte[]> complete(ChatCompletionRequest request, CallObserver observer) {
            return Mono.defer(() -> {
                requested.add(request.model() + " (complete)");
                requests.computeIfAbsent(request.model(), model -> new CopyOnWriteArrayList<>()).add(request);
                return completions.getOrDefault(request.model(), Mono.error(new AssertionError("unscripted "
                        + request.model())));
            }).map(body -> body.getBytes(StandardCharsets.UTF_8)).doOnCancel(() -> cancelled.add(request.model()));
        }

        @Override
        public Flux<String> stream(ChatCompletionRequest request, CallObserver observer) {
            return Flux.defer(() -> {
                requested.add(request.model());
                requests.computeIfAbsent(request.model(), model -> new CopyOnWriteArrayList<>()).add(request);
                Function<ChatCompletionRequest, Flux<String>> script = scripts.get(request.model());
                return script != null ? script.apply(request)
                        : Flux.error(new AssertionError("unscripted " + request.model()));
            }).doOnCancel(() -> cancelled.add(request.model()));
        }
    }
}
