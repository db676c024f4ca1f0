package dev.moagateway.eval;

import java.util.List;

import dev.moagateway.eval.Engine.Reply;
import dev.moagateway.eval.PromptSet.Prompt;
import dev.moagateway.eval.Results.Answer;
import dev.moagateway.eval.Results.Verdict;
import dev.moagateway.openai.ChatCompletionRequest;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One eval over a prompt set: each prompt's answers from every contestant side by side, then each
 * contestant's two verdicts against the baseline; {@code concurrency} prompts at once. What {@link Results}
 * already holds is not asked again.
 */
final class EvalRun {

    /** Who takes part, against whom, judged by whom. */
    record Lineup(List<String> contestants, String baseline, String judge) {
    }

    private final Engine engine;
    private final Results results;
    private final ProgressBar progress;

    EvalRun(Engine engine, Results results, ProgressBar progress) {
        this.engine = engine;
        this.results = results;
        this.progress = progress;
    }

    void run(List<Prompt> prompts, Lineup lineup, int concurrency) {
        Flux.fromIterable(prompts)
                .flatMap(prompt -> evaluate(prompt, lineup).doFinally(signal -> progress.promptDone()), concurrency)
                .blockLast();
    }

    private Mono<Void> evaluate(Prompt prompt, Lineup lineup) {
        Mono<Void> answers = Flux.fromIterable(lineup.contestants()).flatMap(id -> answer(prompt, id)).then();
        Mono<Void> verdicts = Flux.fromIterable(lineup.contestants())
                .filter(id -> !id.equals(lineup.baseline()))
                .flatMap(id -> judge(prompt, id, lineup))
                .then();
        return answers.then(verdicts);
    }

    private Mono<Answer> answer(Prompt prompt, String contestant) {
        Answer known = results.answer(prompt.id(), contestant);
        if (known != null) {
            return Mono.just(known);
        }
        ChatCompletionRequest request = ChatCompletionRequest.of(contestant, prompt.messages());
        return ask(contestant, request).map(reply -> new Answer(Answer.TYPE, prompt.id(), contestant, reply.text(),
                reply.error(), reply.latencyMs(), reply.ttftMs(), reply.inputTokens(), reply.outputTokens(),
                reply.costUsd())).doOnNext(results::add);
    }

    /** Both orders of the pair, each once; nothing when either side has no answer to judge. */
    private Flux<Verdict> judge(Prompt prompt, String contestant, Lineup lineup) {
        Answer own = results.answer(prompt.id(), contestant);
        Answer theirs = results.answer(prompt.id(), lineup.baseline());
        if (own == null || theirs == null) {
            return Flux.empty();
        }
        return Flux.merge(
                verdict(prompt, contestant, lineup, Verdict.BASELINE_FIRST, theirs.text(), own.text()),
                verdict(prompt, contestant, lineup, Verdict.CONTESTANT_FIRST, own.text(), theirs.text()));
    }

    private Mono<Verdict> verdict(Prompt prompt, String contestant, Lineup lineup, String order, String a, String b) {
        Verdict known = results.verdict(prompt.id(), contestant, lineup.baseline(), lineup.judge(), order);
        if (known != null) {
            return Mono.just(known);
        }
        return ask(lineup.judge(), Judge.request(lineup.judge(), prompt, a, b))
                .map(reply -> new Verdict(Verdict.TYPE, prompt.id(), contestant, lineup.baseline(), lineup.judge(),
                        order, reply.error() == null ? Judge.verdict(reply.text()).name() : Judge.Verdict.NONE.name(),
                        reply.text(), reply.error(), reply.latencyMs()))
                .doOnNext(results::add);
    }

    private Mono<Reply> ask(String model, ChatCompletionRequest request) {
        return Mono.defer(() -> {
            progress.callStarted();
            return engine.ask(model, request).doFinally(signal -> progress.callEnded());
        });
    }
}
