package dev.moagateway.api;

import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.testing.GatewayTest;
import dev.moagateway.upstream.ContextWindow;
import dev.moagateway.upstream.TokenCounter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** An aggregator with a small context window gets drafts cut to fit, and answers instead of refusing. */
class ContextBudgetTest extends GatewayTest {

    @Test
    void theAggregatorsPromptAndAnswerFitItsWindowWithTheLongDraftsCutAndMarked() {
        String wordy = "Rivers shape valleys over time. ".repeat(150).strip();
        answer("wordy-1", wordy, 10, 600);
        answer("wordy-2", wordy.replace("valleys", "plains"), 10, 600);
        answer("p1", "Alpha says water is wet.", 10, 5);
        answer("narrow-agg", "Rivers carve land.", 500, 4);

        ChatCompletion completion = sdk().chat().completions().create(ChatCompletionCreateParams.builder()
                .model("cramped").addUserMessage("How do rivers shape land?").build());

        assertThat(completion.choices().get(0).message().content()).contains("Rivers carve land.");
        ChatCompletionRequest sent = json.treeToValue(onlyRequestFor("narrow-agg"), ChatCompletionRequest.class);
        ContextWindow window = new ContextWindow(700, TokenCounter.forModel("narrow-agg"));
        assertThat(sent.maxTokens()).isEqualTo(100);
        assertThat(window.promptTokens(sent) + 100).isLessThanOrEqualTo(700);
        String system = sent.messages().get(0).text();
        assertThat(system).contains("Alpha says water is wet.").contains("Rivers shape valleys")
                .contains("Rivers shape plains").doesNotContain(wordy);
        assertThat(system.split("was cut to fit the context window", -1)).hasSize(3);
    }

    @Test
    void draftsThatFitAreSentWhole() {
        answer("wordy-1", "Short.", 10, 1);
        answer("wordy-2", "Brief.", 10, 1);
        answer("p1", "Alpha.", 10, 1);
        answer("narrow-agg", "Fine.", 50, 1);

        sdk().chat().completions().create(ChatCompletionCreateParams.builder()
                .model("cramped").addUserMessage("Hi").build());

        assertThat(onlyRequestFor("narrow-agg").path("messages").get(0).path("content").asString())
                .contains("Short.").contains("Brief.").doesNotContain("was cut");
    }
}
