package dev.moagateway.api;

import java.util.List;

import dev.moagateway.mixture.CallReport;
import dev.moagateway.mixture.MixtureEvent.AggregatorStarted;
import dev.moagateway.mixture.MixtureEvent.DraftDelta;
import dev.moagateway.mixture.MixtureEvent.LayerSettled;
import dev.moagateway.mixture.MixtureEvent.LayerStarted;
import dev.moagateway.mixture.MixtureEvent.ProposalSettled;
import dev.moagateway.mixture.MixtureEvent.RunStarted;
import dev.moagateway.mixture.MixtureEvent;
import dev.moagateway.openai.Usage;
import dev.moagateway.upstream.Outcome;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The account of a run: one draft streams at a time, the others appear whole after it. */
class ProgressAccountTest {

    private final ProgressAccount account = new ProgressAccount();

    @Test
    void oneDraftIsLiveAndTheOthersAppearWholeOnceItSettles() {
        String text = tell(
                new RunStarted("mix", List.of(List.of("p/a", "p/b", "p/c")), "p/agg"),
                new LayerStarted(1, List.of("p/a", "p/b", "p/c")),
                new DraftDelta(1, 1, "p/b", null, "Bee "),
                new DraftDelta(1, 0, "p/a", null, "Ay "),
                new DraftDelta(1, 1, "p/b", null, "buzzes."),
                new DraftDelta(1, 2, "p/c", null, "Sea"),
                new DraftDelta(1, 0, "p/a", null, "is first."),
                new ProposalSettled(1, 0, answered("p/a", "Ay is first.")),
                new DraftDelta(1, 2, "p/c", null, " waves."),
                new ProposalSettled(1, 1, answered("p/b", "Bee buzzes.")),
                new DraftDelta(1, 2, "p/c", null, " More."),
                new ProposalSettled(1, 2, failed("p/c")),
                new LayerSettled(1, List.of(answered("p/a", "x"), answered("p/b", "y"), failed("p/c")), 2500),
                new AggregatorStarted("p/agg", 2));

        assertThat(text).isEqualTo("""
                Layer 1 of 1: asking 3 models.

                p/b: Bee buzzes.
                ✓ p/b answered: 4 tokens in 1.2 s, first token after 0.3 s

                p/a: Ay is first.
                ✓ p/a answered: 4 tokens in 1.2 s, first token after 0.3 s

                p/c: Sea waves. More.
                ✗ p/c timeout after 2.0 s: p/c timed out: no next chunk within 1000 ms

                Layer 1 done: 2 of 3 drafts in 2.5 s.

                Combining 2 drafts with p/agg.

                """);
    }

    @Test
    void aProposalThatFailsBeforeWritingIsOneLine() {
        String text = tell(new LayerStarted(1, List.of("p/c")), new ProposalSettled(1, 0, failed("p/c")));

        assertThat(text).endsWith("asking 1 model.\n\n✗ p/c timeout after 2.0 s: p/c timed out: no next chunk within "
                + "1000 ms\n\n");
    }

    private String tell(MixtureEvent... events) {
        StringBuilder text = new StringBuilder();
        for (MixtureEvent event : events) {
            text.append(account.next(event));
        }
        return text.toString();
    }

    private static CallReport answered(String model, String text) {
        return new CallReport(model, null, Outcome.ANSWERED, text, null, new Usage(3, 4, 7), 300L, 1200, null);
    }

    private static CallReport failed(String model) {
        return new CallReport(model, null, Outcome.TIMEOUT, null, model + " timed out: no next chunk within 1000 ms", null,
                null, 2000, null);
    }
}
