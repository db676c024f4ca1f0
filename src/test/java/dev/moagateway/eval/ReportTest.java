package dev.moagateway.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.moagateway.eval.PromptSet.Prompt;
import dev.moagateway.eval.Results.Answer;
import dev.moagateway.eval.Results.Verdict;
import dev.moagateway.eval.Scoreboard.Standing;
import dev.moagateway.eval.Scoreboard.Summary;
import dev.moagateway.openai.ChatMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTest {

    private static final String HOSTILE = "<script>alert('owned')</script> & \"quoted\"";

    private final List<Prompt> prompts = List.of(
            prompt("capital", "What is the capital of France?", "Paris"),
            prompt("markup", "Write a page that greets the visitor.", null));

    private final List<Standing> standings = List.of(
            standing("gpt-base", true, 0.5, 0.5, 0.5, 0.0021),
            standing("solo", false, 0.25, 0.0, 0.5, 0.0010),
            standing("moa-3", false, 0.75, 0.5, 1.0, 0.0064));

    private final Map<String, Answer> answers = new HashMap<>();
    private final Map<String, Verdict> verdicts = new HashMap<>();

    private final Scoreboard.Lookup results = new Scoreboard.Lookup() {
        @Override
        public Answer answer(String prompt, String contestant) {
            return answers.get(prompt + "/" + contestant);
        }

        @Override
        public Verdict verdict(String prompt, String contestant, String order) {
            return verdicts.get(prompt + "/" + contestant + "/" + order);
        }
    };

    ReportTest() {
        answer("capital", "gpt-base", "Paris.", null);
        answer("capital", "moa-3", "The capital of France is Paris.", null);
        answer("capital", "solo", null, "upstream timed out after 30s");
        answer("markup", "gpt-base", "Hello.", null);
        answer("markup", "moa-3", HOSTILE, null);
        verdict("capital", "moa-3", Verdict.BASELINE_FIRST, "B", "B is more complete.");
        verdict("capital", "moa-3", Verdict.CONTESTANT_FIRST, "A", "A <b>is</b> more complete.");
    }

    @Test
    void everyContestantHasALeaderboardRowBestFirst() {
        String page = Report.html(summary(false), prompts, results);

        String table = page.substring(page.indexOf("<table id=\"leaderboard\">"), page.indexOf("</table>"));
        assertThat(table).containsSubsequence("data-id=\"moa-3\"", "data-id=\"gpt-base\"", "data-id=\"solo\"");
        assertThat(table).contains("<tr class=\"contestant baseline\" data-id=\"gpt-base\">");
        assertThat(table).contains("75.0%", "50.0–100.0%", "$0.0064");
    }

    @Test
    void theSimulatedBannerAppearsOnlyForASimulatedJudge() {
        assertThat(Report.html(summary(true), prompts, results)).contains("id=\"simulated\"");
        assertThat(Report.html(summary(false), prompts, results)).doesNotContain("id=\"simulated\"");
    }

    @Test
    void markupFromAnAnswerOrTheJudgeIsEscaped() {
        String page = Report.html(summary(false), prompts, results);

        assertThat(page).doesNotContain("<script").doesNotContain("<b>is</b>");
        assertThat(page).contains("&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;");
    }

    @Test
    void verdictLettersNameTheirWinnerInEitherOrder() {
        String page = Report.html(summary(false), prompts, results);

        assertThat(page).contains("<b>baseline first:</b> B → moa-3", "<b>contestant first:</b> A → moa-3");
        assertThat(page).contains("Failed: upstream timed out after 30s");
    }

    @Test
    void tokensStandInForCostWhenNoContestantReportedOne() {
        List<Standing> costless = standings.stream()
                .map(s -> standing(s.id(), s.baseline(), s.winRate(), s.ciLow(), s.ciHigh(), null))
                .toList();
        Summary summary = new Summary("gpt-base", "judge", false, prompts.size(), costless);

        assertThat(Report.html(summary, prompts, results)).contains("Tokens (no contestant reported a cost)");
    }

    @Test
    void thePageNamesNoAddressToFetch() {
        String page = Report.html(summary(true), prompts, results);

        assertThat(page).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
        assertThat(page).doesNotContain("http://").doesNotContain("https://");
    }

    private Summary summary(boolean simulatedJudge) {
        return new Summary("gpt-base", "judge-model", simulatedJudge, prompts.size(), standings);
    }

    private void answer(String prompt, String contestant, String text, String error) {
        answers.put(prompt + "/" + contestant,
                new Answer(Answer.TYPE, prompt, contestant, text, error, 1200, 300L, 20, 40, 0.001));
    }

    private void verdict(String prompt, String contestant, String order, String letter, String reasoning) {
        verdicts.put(prompt + "/" + contestant + "/" + order, new Verdict(Verdict.TYPE, prompt, contestant,
                "gpt-base", "judge-model", order, letter, reasoning, null, 800));
    }

    private static Prompt prompt(String id, String question, String reference) {
        return new Prompt(id, List.of(ChatMessage.of(ChatMessage.USER, question)), question, reference);
    }

    private static Standing standing(String id, boolean baseline, Double winRate, Double ciLow, Double ciHigh,
            Double cost) {
        return new Standing(id, baseline, winRate, ciLow, ciHigh, winRate, 1, 0, 1, 0, 1500.0, 2100.0, 350.0, 4200,
                cost);
    }
}
