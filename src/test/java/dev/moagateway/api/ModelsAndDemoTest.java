package dev.moagateway.api;

import java.util.ArrayList;
import java.util.List;

import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.models.Model;
import dev.moagateway.testing.GatewayTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelsAndDemoTest extends GatewayTest {

    @Test
    void listsTheMixturesThenTheModelsTheyCall() {
        List<String> ids = new ArrayList<>();
        sdk().models().list().autoPager().forEach(model -> ids.add(model.id()));

        assertThat(ids).startsWith("brisk", "climbing", "cramped", "crowded", "deep", "demo-pair", "duo", "hurried", "moa-demo", "strict", "trickling",
                        "waiting")
                .contains("fake/p1", "fake/agg", "demo/sage", "scripted/quick-agg")
                .doesNotHaveDuplicates();
    }

    @Test
    void retrievesOneModelEvenWhenItsIdHasSlashes() {
        Model mixture = sdk().models().retrieve("duo");
        Model called = sdk().models().retrieve("fake/p1");

        assertThat(mixture.ownedBy()).isEqualTo("moa-gateway");
        assertThat(called.id()).isEqualTo("fake/p1");
        assertThat(called.ownedBy()).isEqualTo("fake");
        web().get().uri("/v1/models/demo/sage").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.object").isEqualTo("model");
    }

    @Test
    void anUnknownModelIs404() {
        assertThatThrownBy(() -> sdk().models().retrieve("nope/none"))
                .isInstanceOfSatisfying(NotFoundException.class,
                        error -> assertThat(error.getMessage()).contains("'nope/none' does not exist"));
    }

    @Test
    void theDemoMixtureStreamsASynthesisOfItsProposers() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("demo-pair")
                .addUserMessage("Why is the sky blue?")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();

        List<ChatCompletionChunk> chunks = streamed(params);

        assertThat(textOf(chunks)).startsWith("Sage combines 2 drafts on \"Why is the sky blue?\".")
                .contains("Draft 1 holds that", "Draft 2 holds that");
        assertThat(chunks.size()).isGreaterThan(20);
        long usage = chunks.get(chunks.size() - 1).usage().orElseThrow().totalTokens();
        assertThat(usage).isGreaterThan(chunks.size());
    }
}
