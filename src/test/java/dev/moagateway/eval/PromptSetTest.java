package dev.moagateway.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading a prompt file: bad lines are named by number and left out, the rest are read. */
class PromptSetTest {

    @TempDir
    Path dir;

    @Test
    void badLinesAreReportedByNumberAndTheRestAreRead() throws IOException {
        Path file = dir.resolve("prompts.jsonl");
        Files.writeString(file, """
                {"id": "one", "prompt": "Why?", "reference": "Because."}
                {"prompt": 
                [1, 2]
                {"id": "two"}

                {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "How?"}]}
                {"id": "one", "prompt": "Again?"}
                {"prompt": "   "}
                """);

        PromptSet set = PromptSet.read(file, JsonMapper.shared());

        assertThat(set.prompts()).extracting(PromptSet.Prompt::id).containsExactly("one", "line-6");
        assertThat(set.prompts().get(0).reference()).isEqualTo("Because.");
        assertThat(set.prompts().get(1).question()).isEqualTo("How?");
        assertThat(set.problems()).containsExactly(
                "line 2: not a JSON object",
                "line 3: not a JSON object",
                "line 4: no \"prompt\" or \"messages\"",
                "line 7: the id 'one' is used by an earlier line",
                "line 8: \"prompt\" must be a non-empty string");
    }
}
