package dev.moagateway.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.openai.core.JsonValue;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.moagateway.testing.GatewayTest;
import dev.moagateway.testing.SseFrames;
import dev.moagateway.testing.UpstreamBodies;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Progress inside the OpenAI answer: the account of the run in the field each mode names, while the content
 * stays exactly the aggregator's answer; clients that ignore it see an ordinary answer.
 */
class ProgressTest extends GatewayTest {

    private static final String ANSWER = "Water is wet H2O.";

    @BeforeEach
    void answers() {
        duoUpstreams();
    }

    @ParameterizedTest
    @ValueSource(strings = {"reasoning_content", "reasoning"})
    void aStreamCarriesTheAccountInTheModesFieldAndTheContentIsTheAnswerAlone(String mode) {
        List<JsonNode> chunks = chunks(stream("duo", "{\"progress\":\"" + mode + "\"}", true));

        assertThat(content(chunks)).isEqualTo(ANSWER).isEqualTo(content(chunks(stream("duo", null, true))));
        String account = field(chunks, mode);
        assertThat(account).startsWith("Layer 1 of 1: asking 3 models.\n\n")
                .contains("Alpha says water is wet.", "Beta says water is H2O.", "✓ fake/p1 answered: 5 tokens in ")
                .contains("✗ fake/p3 rejected after ", "maximum context length is 8 tokens")
                .contains("Layer 1 done: 2 of 3 drafts in ")
                .endsWith("Combining 2 drafts with fake/agg.\n\n");
        assertThat(field(chunks, mode.equals("reasoning") ? "reasoning_content" : "reasoning")).isEmpty();
    }

    @Test
    void bothModeWritesTheSameAccountIntoBothFields() {
        List<JsonNode> chunks = chunks(stream("duo", "{\"progress\":\"both\"}", true));

        assertThat(field(chunks, "reasoning")).isNotEmpty().isEqualTo(field(chunks, "reasoning_content"));
        assertThat(content(chunks)).isEqualTo(ANSWER);
    }

    @Test
    void theStreamOpensWithTheRoleAndKeepsOneIdToTheUsageChunkAndDone() {
        String body = stream("duo", "{\"progress\":\"reasoning_content\"}", true);
        List<JsonNode> chunks = chunks(body);

        JsonNode first = chunks.get(0).path("choices").get(0).path("delta");
        assertThat(first.path("role").asString()).isEqualTo("assistant");
        assertThat(chunks.stream().skip(1).filter(chunk -> chunk.path("choices").path(0).path("delta").has("role")))
                .isEmpty();
        assertThat(chunks).extracting(chunk -> chunk.path("id").asString()).containsOnly(chunks.get(0).path("id").asString());
        assertThat(chunks).extracting(chunk -> chunk.path("created").asLong())
                .containsOnly(chunks.get(0).path("created").asLong());
        JsonNode last = chunks.get(chunks.size() - 1);
        assertThat(last.path("choices")).isEmpty();
        assertThat(last.path("usage").path("completion_tokens").asInt()).isEqualTo(5 + 6 + 7);
        assertThat(body).endsWith("data: [DONE]\n\n").doesNotContain("keep-alive");
    }

    @Test
    void thinkTagsPutTheAccountBeforeTheAnswerInsideTheTags() {
        String content = content(chunks(stream("duo", "{\"progress\":\"think-tags\"}", true)));

        assertThat(content).startsWith("<think>\nLayer 1 of 1: asking 3 models.").contains("Alpha says water is wet.")
                .endsWith("Combining 2 drafts with fake/agg.\n\n\n</think>\n\n" + ANSWER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"reasoning_content", "reasoning"})
    void aCompletionCarriesTheAccountInItsMessage(String mode) {
        JsonNode message = completion("duo", "{\"progress\":\"" + mode + "\"}").path("choices").get(0).path("message");

        assertThat(message.path("content").asString()).isEqualTo(ANSWER)
                .isEqualTo(completion("duo", null).path("choices").get(0).path("message").path("content").asString());
        assertThat(message.path(mode).asString()).startsWith("Layer 1 of 1: asking 3 models.")
                .contains("Beta says water is H2O.", "✗ fake/p3 rejected").endsWith("Combining 2 drafts with fake/agg.\n\n");
    }

    @Test
    void aCompletionWithThinkTagsHasTheAccountInItsContent() {
        String content = completion("duo", "{\"progress\":\"think-tags\"}").path("choices").get(0).path("message")
                .path("content").asString();

        assertThat(content).startsWith("<think>\nLayer 1 of 1").endsWith("\n</think>\n\n" + ANSWER);
    }

    @Test
    void theAggregatorsOwnReasoningFollowsTheAccountInTheSameField() {
        respond("agg", events(List.of(
                UpstreamBodies.chunk("agg", "{\"role\":\"assistant\",\"reasoning\":\"Weighing the drafts.\"}", null),
                UpstreamBodies.chunk("agg", "{\"content\":\"Wet.\"}", null),
                UpstreamBodies.chunk("agg", "{}", "\"stop\""), "[DONE]")));

        List<JsonNode> chunks = chunks(stream("duo", "{\"progress\":\"reasoning_content\"}", false));

        assertThat(field(chunks, "reasoning_content")).endsWith("Combining 2 drafts with fake/agg.\n\nWeighing the drafts.");
        assertThat(field(chunks, "reasoning")).isEmpty();
        assertThat(content(chunks)).isEqualTo("Wet.");
    }

    @Test
    void withThinkTagsTheAggregatorsReasoningStaysInsideTheTagsAndTheAnswerAfterThem() {
        respond("agg", events(List.of(
                UpstreamBodies.chunk("agg", "{\"role\":\"assistant\",\"reasoning_content\":\"Weighing\"}", null),
                UpstreamBodies.chunk("agg", "{\"reasoning_content\":\" the drafts.\"}", null),
                UpstreamBodies.chunk("agg", "{\"content\":\"Wet.\"}", null),
                UpstreamBodies.chunk("agg", "{}", "\"stop\""), "[DONE]")));

        List<JsonNode> chunks = chunks(stream("duo", "{\"progress\":\"think-tags\"}", false));

        assertThat(content(chunks)).startsWith("<think>\nLayer 1 of 1")
                .endsWith("Combining 2 drafts with fake/agg.\n\nWeighing the drafts.\n</think>\n\nWet.");
        assertThat(field(chunks, "reasoning_content")).isEmpty();
    }

    @Test
    void anSdkThatIgnoresProgressReadsTheDemoMixturesAnswerAsWithout() {
        ChatCompletionCreateParams.Builder ask = ChatCompletionCreateParams.builder().model("moa-demo")
                .addUserMessage("Why is the sky blue?");

        List<ChatCompletionChunk> withProgress = streamed(ask.build());
        List<ChatCompletionChunk> without = streamed(ask.putAdditionalBodyProperty("moa",
                JsonValue.from(Map.of("progress", "none"))).build());

        assertThat(textOf(withProgress)).startsWith("Sage combines 2 drafts").isEqualTo(textOf(without));
        assertThat(withProgress.get(0).choices().get(0).delta().role()).isPresent();
        StringBuilder reasoning = new StringBuilder();
        withProgress.forEach(chunk -> chunk.choices().forEach(choice -> {
            JsonValue value = choice.delta()._additionalProperties().get("reasoning_content");
            if (value != null) {
                reasoning.append(value.asString().orElseThrow());
            }
        }));
        assertThat(reasoning).contains("Layer 1 of 2: asking 3 models.", "demo/atlas: Atlas on", "Layer 2 of 2",
                "Combining 2 drafts with demo/sage.");
        ChatCompletion completion = sdk().chat().completions().create(ask.build());
        assertThat(completion.choices().get(0).message().content()).hasValue(textOf(without));
    }

    private String stream(String model, String moa, boolean usage) {
        return web().post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body(model, moa, true, usage))
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    }

    private JsonNode completion(String model, String moa) {
        return json.readTree(web().post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body(model, moa, false, false))
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody());
    }

    private static String body(String model, String moa, boolean stream, boolean usage) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + (usage ? ",\"stream_options\":{\"include_usage\":true}" : "")
                + (moa == null ? "" : ",\"moa\":" + moa)
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"What is water?\"}]}";
    }

    private List<JsonNode> chunks(String body) {
        List<JsonNode> chunks = new ArrayList<>();
        SseFrames.parse(body).stream().filter(frame -> frame.event() == null && !frame.data().equals("[DONE]"))
                .forEach(frame -> chunks.add(json.readTree(frame.data())));
        return chunks;
    }

    private static String content(List<JsonNode> chunks) {
        return field(chunks, "content");
    }

    private static String field(List<JsonNode> chunks, String name) {
        StringBuilder text = new StringBuilder();
        chunks.forEach(chunk -> chunk.path("choices").forEach(choice -> text.append(choice.path("delta").path(name)
                .asString(""))));
        return text.toString();
    }
}
