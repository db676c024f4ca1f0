package dev.moagateway.eval;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The command line: its own options, and the server's configuration passed through. */
class EvalOptionsTest {

    @Test
    void ownOptionsAreReadInBothFormsAndTheRestIsConfiguration() {
        EvalOptions options = EvalOptions.parse("--prompts", "p.jsonl", "--mixture=moa-demo", "--judge", "demo/judge",
                "--out", "out", "--concurrency=8", "--limit", "5", "--seed", "9",
                "--spring.config.additional-location=file:my.yml", "--moa.demo.speed=10");

        assertThat(options.prompts()).isEqualTo(Path.of("p.jsonl"));
        assertThat(options.mixture()).isEqualTo("moa-demo");
        assertThat(options.contestants()).isEmpty();
        assertThat(options.concurrency()).isEqualTo(8);
        assertThat(options.limit()).isEqualTo(5);
        assertThat(options.seed()).isEqualTo(9);
        assertThat(options.configuration()).containsExactly("--spring.config.additional-location=file:my.yml",
                "--moa.demo.speed=10");
    }

    @Test
    void whatIsMissingOrWrongIsSaid() {
        assertThatIllegalArgumentException().isThrownBy(() -> EvalOptions.parse("--prompts", "p", "--judge", "j",
                "--out", "o")).withMessageContaining("--mixture ID or --contestants");
        assertThatIllegalArgumentException().isThrownBy(() -> EvalOptions.parse("--mixture", "m", "--judge", "j",
                "--out", "o")).withMessage("--prompts is required");
        assertThatIllegalArgumentException().isThrownBy(() -> EvalOptions.parse("--prompts", "p", "--mixture", "m",
                "--judge", "j", "--out", "o", "--concurrency", "0")).withMessageContaining("--concurrency");
        assertThatIllegalArgumentException().isThrownBy(() -> EvalOptions.parse("prompts.jsonl"))
                .withMessageContaining("unexpected argument");
        assertThat(EvalOptions.parse("--help").help()).isTrue();
    }
}
