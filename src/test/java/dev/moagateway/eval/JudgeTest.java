package dev.moagateway.eval;

import dev.moagateway.eval.Judge.Verdict;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading a judge's verdict, and what two orders of one pair come to. */
class JudgeTest {

    @Test
    void theLastMarkIsTheVerdictAndTextWithoutOneHasNone() {
        assertThat(Judge.verdict("Unlike [[A]] claims, B is right.\n[[B]]")).isEqualTo(Verdict.B);
        assertThat(Judge.verdict("Both are fine. [[C]]")).isEqualTo(Verdict.C);
        assertThat(Judge.verdict("I prefer the first one.")).isEqualTo(Verdict.NONE);
        assertThat(Judge.verdict("[[D]] [A]")).isEqualTo(Verdict.NONE);
    }

    @Test
    void agreeingOrdersDecideAndDisagreeingOrUnreadableOnesTie() {
        assertThat(Judge.score(Verdict.B, Verdict.A)).isEqualTo(1);
        assertThat(Judge.score(Verdict.A, Verdict.B)).isZero();
        assertThat(Judge.score(Verdict.C, Verdict.C)).isEqualTo(0.5);
        assertThat(Judge.score(Verdict.A, Verdict.A)).as("a judge that prefers the first answer").isEqualTo(0.5);
        assertThat(Judge.score(Verdict.B, Verdict.C)).isEqualTo(0.5);
        assertThat(Judge.score(Verdict.NONE, Verdict.NONE)).isEqualTo(0.5);
    }
}
