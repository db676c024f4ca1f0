package dev.moagateway.eval;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.moagateway.eval.PromptSet.Prompt;
import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.ChatMessage;

/**
 * The pairwise judge: shown a question and two answers, it reasons, then ends with {@code [[A]]}, {@code [[B]]}
 * or {@code [[C]]} for a tie, as MT-Bench's judges do. Each pair is judged twice, the order swapped, so a judge
 * that prefers a position cancels itself out.
 */
final class Judge {

    /** What the judge's last verdict mark said; {@code NONE} when it gave none. */
    enum Verdict { A, B, C, NONE }

    static final String INSTRUCTIONS = """
            You are an impartial judge of answers to a user's question. Compare the two answers below on \
            helpfulness, correctness, depth and clarity, with a reference answer where one is given. Do not let \
            the order of the answers, their length or the names they use sway you. Explain your comparison in a \
            few sentences, then end with exactly one verdict on a line of its own: [[A]] if answer A is better, \
            [[B]] if answer B is better, [[C]] for a tie.""";

    private static final Pattern MARK = Pattern.compile("\\[\\[([ABC])]]");

    private Judge() {
    }

    /** The judge's request, at temperature 0, answer {@code a} shown first. */
    static ChatCompletionRequest request(String judge, Prompt prompt, String a, String b) {
        StringBuilder user = new StringBuilder("<question>\n").append(prompt.question()).append("\n</question>\n\n");
        if (prompt.reference() != null) {
            user.append("<reference>\n").append(prompt.reference()).append("\n</reference>\n\n");
        }
        user.append("<answer_a>\n").append(a).append("\n</answer_a>\n\n")
                .append("<answer_b>\n").append(b).append("\n</answer_b>");
        return ChatCompletionRequest.of(judge, List.of(ChatMessage.of(ChatMessage.SYSTEM, INSTRUCTIONS),
                ChatMessage.of(ChatMessage.USER, user.toString()))).withTemperature(0.0);
    }

    /** The last verdict mark in the judge's text: its reasoning may quote the marks before it decides. */
    static Verdict verdict(String text) {
        Matcher mark = MARK.matcher(text);
        Verdict last = Verdict.NONE;
        while (mark.find()) {
            last = Verdict.valueOf(mark.group(1));
        }
        return last;
    }

    /**
     * The contestant's result on a prompt from the two orders' verdicts: {@code 1} a win, {@code 0} a loss,
     * {@code 0.5} a tie, which is also what two verdicts that disagree, or an unreadable one, count as.
     *
     * @param baselineFirst  the verdict with the baseline's answer as A
     * @param contestantFirst the verdict with the contestant's answer as A
     */
    static double score(Verdict baselineFirst, Verdict contestantFirst) {
        double first = baselineFirst == Verdict.B ? 1 : baselineFirst == Verdict.A ? 0 : 0.5;
        double second = contestantFirst == Verdict.A ? 1 : contestantFirst == Verdict.B ? 0 : 0.5;
        boolean readable = baselineFirst != Verdict.NONE && contestantFirst != Verdict.NONE;
        return readable && first == second ? first : 0.5;
    }
}
