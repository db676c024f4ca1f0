package dev.moagateway.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.moagateway.eval.PromptSet.Prompt;
import dev.moagateway.eval.Results.Answer;
import dev.moagateway.eval.Results.Verdict;

/**
 * The figures of a run: each contestant's win rate against the baseline with a 95% bootstrap interval over
 * the prompts, its wins, ties and losses, a length-controlled win rate, and what its answers took in time,
 * tokens and money. A contestant's failed answer is a loss to an answered baseline; a failed baseline answer
 * is a win for an answered contestant; a prompt that neither answered does not count.
 */
final class Scoreboard {

    private static final int RESAMPLES = 2000;

    private Scoreboard() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Summary(String baseline, String judge, @JsonProperty("simulated_judge") boolean simulatedJudge,
            int prompts, List<Standing> contestants) {
    }

    /** One contestant's figures; the baseline's win rate is 0.5 by definition. Null where nothing was measured. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Standing(String id, boolean baseline, @JsonProperty("win_rate") Double winRate,
            @JsonProperty("ci_low") Double ciLow, @JsonProperty("ci_high") Double ciHigh,
            @JsonProperty("lc_win_rate") Double lengthControlledWinRate, int wins, int ties, int losses,
            int failed, @JsonProperty("latency_ms_mean") Double latencyMsMean,
            @JsonProperty("latency_ms_p90") Double latencyMsP90, @JsonProperty("ttft_ms_mean") Double ttftMsMean,
            long tokens, @JsonProperty("cost_usd") Double costUsd) {
    }

    /** {@code answers} and {@code verdicts} are looked up by prompt and contestant; absent ones count as failed. */
    interface Lookup {

        Answer answer(String prompt, String contestant);

        Verdict verdict(String prompt, String contestant, String order);
    }

    static Summary summarize(List<Prompt> prompts, List<String> contestants, String baseline, String judge,
            boolean simulatedJudge, Lookup results, long seed) {
        List<Standing> standings = new ArrayList<>();
        for (int i = 0; i < contestants.size(); i++) {
            standings.add(standing(prompts, contestants.get(i), baseline, results, new Random(seed + i)));
        }
        return new Summary(baseline, judge, simulatedJudge, prompts.size(), List.copyOf(standings));
    }

    private static Standing standing(List<Prompt> prompts, String id, String baseline, Lookup results, Random random) {
        List<Answer> answers = prompts.stream().map(prompt -> results.answer(prompt.id(), id))
                .filter(Objects::nonNull).filter(Answer::answered).toList();
        int failed = prompts.size() - answers.size();
        double[] latencies = answers.stream().mapToDouble(Answer::latencyMs).sorted().toArray();
        double[] ttfts = answers.stream().map(Answer::ttftMs).filter(Objects::nonNull).mapToDouble(Long::doubleValue)
                .toArray();
        long tokens = answers.stream().mapToLong(Answer::tokens).sum();
        List<Double> costs = answers.stream().map(Answer::costUsd).filter(Objects::nonNull).toList();
        Double cost = costs.isEmpty() ? null : costs.stream().mapToDouble(Double::doubleValue).sum();
        Double latencyMean = latencies.length == 0 ? null : Arrays.stream(latencies).average().orElseThrow();
        Double latencyP90 = latencies.length == 0 ? null : latencies[(int) Math.ceil(0.9 * latencies.length) - 1];
        Double ttftMean = ttfts.length == 0 ? null : Arrays.stream(ttfts).average().orElseThrow();
        if (id.equals(baseline)) {
            return new Standing(id, true, 0.5, 0.5, 0.5, 0.5, 0, 0, 0, failed, latencyMean, latencyP90, ttftMean,
                    tokens, cost);
        }
        List<double[]> scored = new ArrayList<>();
        for (Prompt prompt : prompts) {
            double[] score = score(prompt.id(), id, baseline, results);
            if (score != null) {
                scored.add(score);
            }
        }
        double[] scores = scored.stream().mapToDouble(pair -> pair[0]).toArray();
        double[] lengths = scored.stream().mapToDouble(pair -> pair[1]).toArray();
        int wins = (int) Arrays.stream(scores).filter(score -> score == 1).count();
        int losses = (int) Arrays.stream(scores).filter(score -> score == 0).count();
        if (scores.length == 0) {
            return new Standing(id, false, null, null, null, null, 0, 0, 0, failed, latencyMean, latencyP90,
                    ttftMean, tokens, cost);
        }
        double[] interval = bootstrap(scores, random);
        return new Standing(id, false, mean(scores), interval[0], interval[1], lengthControlled(scores, lengths),
                wins, scores.length - wins - losses, losses, failed, latencyMean, latencyP90, ttftMean, tokens, cost);
    }

    /** The contestant's score on the prompt and its answer's length less the baseline's, or null if neither answered. */
    private static double[] score(String prompt, String id, String baseline, Lookup results) {
        Answer own = results.answer(prompt, id);
        Answer theirs = results.answer(prompt, baseline);
        boolean answered = own != null && own.answered();
        boolean baselineAnswered = theirs != null && theirs.answered();
        if (!answered && !baselineAnswered) {
            return null;
        }
        if (!answered || !baselineAnswered) {
            return new double[] {answered ? 1 : 0, 0};
        }
        Verdict first = results.verdict(prompt, id, Verdict.BASELINE_FIRST);
        Verdict second = results.verdict(prompt, id, Verdict.CONTESTANT_FIRST);
        double score = Judge.score(first == null ? Judge.Verdict.NONE : first.mark(),
                second == null ? Judge.Verdict.NONE : second.mark());
        return new double[] {score, own.text().length() - theirs.text().length()};
    }

    /** The 2.5th and 97.5th percentiles of the mean over prompts resampled with replacement. */
    static double[] bootstrap(double[] scores, Random random) {
        double[] means = new double[RESAMPLES];
        for (int r = 0; r < RESAMPLES; r++) {
            double sum = 0;
            for (int i = 0; i < scores.length; i++) {
                sum += scores[random.nextInt(scores.length)];
            }
            means[r] = sum / scores.length;
        }
        Arrays.sort(means);
        return new double[] {means[(int) (0.025 * (RESAMPLES - 1))], means[(int) Math.ceil(0.975 * (RESAMPLES - 1))]};
    }

    /**
     * AlpacaEval 2.0's idea in a simple form: a logistic fit of the score on the length difference (in standard
     * deviations), read at no difference, so that winning by writing more does not count.
     */
    static double lengthControlled(double[] scores, double[] lengthDifferences) {
        double spread = Math.sqrt(Arrays.stream(lengthDifferences).map(d -> d * d).average().orElse(0));
        double[] x = Arrays.stream(lengthDifferences).map(d -> spread == 0 ? 0 : d / spread).toArray();
        double intercept = 0;
        double slope = 0;
        double ridge = 1e-2;
        for (int iteration = 0; iteration < 50; iteration++) {
            double g0 = ridge * intercept;
            double g1 = ridge * slope;
            double h00 = ridge;
            double h01 = 0;
            double h11 = ridge;
            for (int i = 0; i < scores.length; i++) {
                double p = 1 / (1 + Math.exp(-(intercept + slope * x[i])));
                double w = p * (1 - p);
                g0 += p - scores[i];
                g1 += (p - scores[i]) * x[i];
                h00 += w;
                h01 += w * x[i];
                h11 += w * x[i] * x[i];
            }
            double determinant = h00 * h11 - h01 * h01;
            intercept -= (h11 * g0 - h01 * g1) / determinant;
            slope -= (h00 * g1 - h01 * g0) / determinant;
        }
        return 1 / (1 + Math.exp(-intercept));
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElseThrow();
    }
}
