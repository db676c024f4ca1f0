package dev.moagateway.demo;

import java.time.Duration;
import java.util.List;

import dev.moagateway.openai.ChatCompletion;
import dev.moagateway.openai.ChatCompletionChunk;
import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.ChatMessage;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class DemoUpstreamTest {

    private final DemoUpstream demo = new DemoUpstream(1000, JsonMapper.shared());
    private final ChatCompletionRequest question = ChatCompletionRequest.of("atlas",
            List.of(ChatMessage.of(ChatMessage.USER, "Why is the sky blue?")));

    @Test
    void draftsTheSameAnswerForTheSameQuestion() {
        String first = text(demo.complete(question));
        String second = text(demo.complete(question));

        assertThat(first).isEqualTo(second).startsWith("Atlas on \"Why is the sky blue?\": ");
    }

    @Test
    void aSynthesisQuotesThePointOfEachReference() {
        ChatCompletionRequest withReferences = question.withModel("sage").withMessages(List.of(
                ChatMessage.of(ChatMessage.SYSTEM, "<reference id=\"1\">\nAtlas on \"x\": Light scatters. More.\n</reference>\n"
                        + "<reference id=\"2\">\nBirch on \"x\": Blue is short. More.\n</reference>"),
                ChatMessage.of(ChatMessage.USER, "Why is the sky blue?")));

        String answer = text(demo.complete(withReferences));

        assertThat(answer).startsWith("Sage combines 2 drafts on \"Why is the sky blue?\".")
                .contains("Draft 1 holds that light scatters.", "Draft 2 holds that blue is short.");
    }

    @Test
    void streamsTokenByTokenAndHonoursMaxTokensAndUsage() {
        ChatCompletionRequest limited = question.withMaxTokens(3).asStreamWithUsage();

        List<ChatCompletionChunk> chunks = demo.stream(limited).map(data -> JsonMapper.shared().readValue(data,
                ChatCompletionChunk.class)).collectList().block(Duration.ofSeconds(5));

        assertThat(chunks).hasSize(1 + 3 + 1 + 1);
        assertThat(chunks.get(0).choices().get(0).delta().role()).isEqualTo("assistant");
        assertThat(chunks.get(4).choices().get(0).finishReason()).isEqualTo("length");
        assertThat(chunks.get(5).choices()).isEmpty();
        assertThat(chunks.get(5).usage().completionTokens()).isEqualTo(3);
        assertThat(chunks).extracting(ChatCompletionChunk::id).containsOnly(chunks.get(0).id());
    }

    @Test
    void cancellingAStreamStopsIt() {
        StepVerifier.create(new DemoUpstream(1, JsonMapper.shared()).stream(question))
                .expectNextCount(1)
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    private static String text(Mono<byte[]> completion) {
        return JsonMapper.shared().readValue(completion.block(Duration.ofSeconds(5)), ChatCompletion.class).firstText();
    }
}
