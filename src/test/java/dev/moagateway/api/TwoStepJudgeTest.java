package dev.moagateway.api;

import java.util.List;

import dev.moagateway.testing.GatewayTest;
import dev.moagateway.testing.SseFrames;
import dev.moagateway.testing.SseFrames.Frame;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** An aggregator that has the drafts analysed first: two calls, both traced, counted and told. */
class TwoStepJudgeTest extends GatewayTest {

    private static final String JUDGED = """
            "aggregator": {"model": "fake/agg", "analysis": {"model": "fake/judge", "max-tokens": 200}}""";
    private static final String ANALYSIS = "Agreement: drafts 1 and 2 agree that water is wet.";

    @BeforeEach
    void answers() {
        duoUpstreams();
        answer("judge", ANALYSIS, 120, 9);
    }

    @Test
    void theAnalystIsAskedOnceWithoutStreamingAndTheAggregatorAnswersWithItsAnalysis() {
        JsonNode answer = json.readTree(post(false, "{\"trace\": true, " + JUDGED + "}"));

        JsonNode analyst = onlyRequestFor("judge");
        assertThat(analyst.has("stream")).isFalse();
        assertThat(analyst.path("temperature").isNumber()).isTrue();
        assertThat(analyst.path("temperature").asDouble()).isZero();
        assertThat(analyst.path("max_tokens").asInt()).isEqualTo(200);
        assertThat(analyst.path("messages").get(0).path("content").asString()).contains("Do not answer the message.")
                .contains("Alpha says water is wet.", "Beta says water is H2O.");
        assertThat(onlyRequestFor("agg").path("messages").get(0).path("content").asString())
                .contains("<analysis>\n" + ANALYSIS + "\n</analysis>");
        assertThat(answer.path("choices").get(0).path("message").path("content").asString())
                .isEqualTo("Water is wet H2O.");
        JsonNode trace = answer.path("moa");
        JsonNode analysis = trace.path("analysis");
        assertThat(analysis.path("model").asString()).isEqualTo("fake/judge");
        assertThat(analysis.path("outcome").asString()).isEqualTo("answered");
        assertThat(analysis.path("text").asString()).isEqualTo(ANALYSIS);
        assertThat(analysis.path("usage").path("completion_tokens").asInt()).isEqualTo(9);
        assertThat(trace.path("usage").path("total_tokens").asInt()).isEqualTo(15 + 17 + 129 + 107);
        assertThat(answer.path("usage").path("total_tokens").asInt()).isEqualTo(15 + 17 + 129 + 107);
    }

    @Test
    void withProgressOnTheAnalysisIsToldAndTheEventsCarryIt() {
        List<Frame> frames = SseFrames.parse(post(true, "{\"progress\": \"reasoning_content\", \"events\": true, "
                + JUDGED + "}"));

        List<JsonNode> events = frames.stream().filter(frame -> "moa".equals(frame.event()))
                .map(frame -> json.readTree(frame.data())).toList();
        assertThat(events).extracting(event -> event.path("type").asString())
                .containsSubsequence("layer.settled", "analysis.started", "analysis.settled", "aggregator.started");
        JsonNode settled = events.stream().filter(event -> event.path("type").asString().equals("analysis.settled"))
                .findFirst().orElseThrow();
        assertThat(settled.path("text").asString()).isEqualTo(ANALYSIS);
        StringBuilder reasoning = new StringBuilder();
        frames.stream().filter(frame -> frame.event() == null && !frame.data().equals("[DONE]"))
                .forEach(frame -> json.readTree(frame.data()).path("choices").forEach(choice -> reasoning.append(
                        choice.path("delta").path("reasoning_content").asString(""))));
        assertThat(reasoning.toString()).containsSubsequence("Analysing 2 drafts with fake/judge.", ANALYSIS,
                "✓ fake/judge answered", "Combining 2 drafts with fake/agg.");
    }

    private String post(boolean stream, String moa) {
        return web().post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\": \"duo\", \"stream\": " + stream + ", \"moa\": " + moa
                        + ", \"messages\": [{\"role\": \"user\", \"content\": \"What is water?\"}]}")
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    }
}
