package dev.moagateway.api;

import java.util.List;

import dev.moagateway.testing.GatewayTest;
import dev.moagateway.testing.SseFrames;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** A staircase mixture over the demo provider: several steps, one ordinary stream. */
class StaircaseTest extends GatewayTest {

    @Test
    void theStepsReachTheClientAsOneStreamWithOneRoleOneFinishAndEveryCallsUsage() {
        String body = web().post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"model": "climbing", "stream": true, "stream_options": {"include_usage": true},
                         "moa": {"trace": true},
                         "messages": [{"role": "user", "content": "Why is the sky blue?"}]}""")
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        List<JsonNode> chunks = SseFrames.parse(body).stream()
                .filter(frame -> frame.event() == null && !frame.data().equals("[DONE]"))
                .map(frame -> json.readTree(frame.data())).toList();
        assertThat(chunks).extracting(chunk -> chunk.path("id").asString()).containsOnly(chunks.get(0).path("id")
                .asString());
        List<JsonNode> choices = chunks.stream().flatMap(chunk -> chunk.path("choices").valueStream()).toList();
        assertThat(choices.get(0).path("delta").path("role").asString()).isEqualTo("assistant");
        assertThat(choices).filteredOn(choice -> choice.path("delta").has("role")).hasSize(1);
        assertThat(choices).filteredOn(choice -> !choice.path("finish_reason").isNull()).singleElement()
                .satisfies(finish -> assertThat(finish).isSameAs(choices.get(choices.size() - 1)));
        StringBuilder content = new StringBuilder();
        choices.forEach(choice -> content.append(choice.path("delta").path("content").asString("")));
        assertThat(content.toString()).startsWith("Sage combines");
        JsonNode last = chunks.get(chunks.size() - 1);
        JsonNode trace = last.path("moa");
        int proposers = 0;
        for (JsonNode proposal : trace.path("layers").get(0).path("proposals")) {
            proposers += proposal.path("usage").path("total_tokens").asInt();
        }
        int aggregator = trace.path("aggregator").path("usage").path("total_tokens").asInt();
        assertThat(aggregator).isPositive();
        assertThat(last.path("usage").path("total_tokens").asInt()).isEqualTo(proposers + aggregator);
    }
}
