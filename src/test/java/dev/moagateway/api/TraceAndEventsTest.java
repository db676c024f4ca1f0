package dev.moagateway.api;

import java.util.List;

import dev.moagateway.testing.GatewayTest;
import dev.moagateway.testing.SseFrames;
import dev.moagateway.testing.SseFrames.Frame;
import dev.moagateway.testing.UpstreamBodies;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The trace of a run on the answer, and the run's named events in a stream, each only when asked for. */
class TraceAndEventsTest extends GatewayTest {

    @BeforeEach
    void answers() {
        duoUpstreams();
    }

    @Test
    void aCompletionThatAsksCarriesTheTraceOfEveryCall() {
        JsonNode trace = json.readTree(post(false, "{\"trace\":true}", null)).path("moa");

        assertThat(trace.path("mixture").asString()).isEqualTo("duo");
        JsonNode layer = trace.path("layers").get(0);
        assertThat(layer.path("layer").asInt()).isEqualTo(1);
        assertThat(layer.path("duration_ms").isNumber()).isTrue();
        JsonNode proposals = layer.path("proposals");
        assertThat(proposals).hasSize(3);
        JsonNode first = proposals.get(0);
        assertThat(first.path("index").asInt()).isZero();
        assertThat(first.path("model").asString()).isEqualTo("fake/p1");
        assertThat(first.path("outcome").asString()).isEqualTo("answered");
        assertThat(first.path("text").asString()).isEqualTo("Alpha says water is wet.");
        assertThat(first.path("usage").path("completion_tokens").asInt()).isEqualTo(5);
        assertThat(first.path("first_token_ms").isNumber()).isTrue();
        assertThat(first.path("duration_ms").asLong()).isGreaterThanOrEqualTo(first.path("first_token_ms").asLong());
        assertThat(first.has("error")).isFalse();
        JsonNode failed = proposals.get(2);
        assertThat(failed.path("outcome").asString()).isEqualTo("rejected");
        assertThat(failed.path("error").asString()).isEqualTo(
                "fake/p3 returned HTTP 400: This model's maximum context length is 8 tokens");
        assertThat(failed.has("text")).isFalse();
        JsonNode aggregator = trace.path("aggregator");
        assertThat(aggregator.path("model").asString()).isEqualTo("fake/agg");
        assertThat(aggregator.path("outcome").asString()).isEqualTo("answered");
        assertThat(aggregator.has("text")).isFalse();
        assertThat(aggregator.path("usage").path("prompt_tokens").asInt()).isEqualTo(100);
        assertThat(trace.path("usage").path("total_tokens").asInt()).isEqualTo(15 + 17 + 107);
    }

    @Test
    void aStreamCarriesTheTraceOnTheUsageChunkWhenThereIsOneElseOnTheFinishChunkAskedByHeaderOrBody() {
        List<JsonNode> withUsage = chunks(post(true, null, "{\"include_usage\":true}", "true"));
        List<JsonNode> withoutUsage = chunks(post(true, "{\"trace\":true}", null, null));

        JsonNode usageChunk = withUsage.get(withUsage.size() - 1);
        assertThat(usageChunk.path("choices")).isEmpty();
        assertThat(usageChunk.path("moa").path("usage")).isEqualTo(usageChunk.path("usage"));
        assertThat(withUsage).filteredOn(chunk -> chunk.has("moa")).hasSize(1);
        JsonNode finishChunk = withoutUsage.get(withoutUsage.size() - 1);
        assertThat(finishChunk.path("choices").get(0).path("finish_reason").asString()).isEqualTo("stop");
        assertThat(finishChunk.path("moa").path("layers").get(0).path("proposals")).hasSize(3);
        assertThat(withoutUsage).filteredOn(chunk -> chunk.has("moa")).hasSize(1);
    }

    @Test
    void aFinishChunkHeldForTheTraceStillGoesOutWhenTheAggregatorFailsAfterIt() {
        respond("agg", events(List.of(
                UpstreamBodies.chunk("agg", "{\"role\":\"assistant\",\"content\":\"Wet.\"}", null),
                UpstreamBodies.chunk("agg", "{}", "\"stop\""),
                UpstreamBodies.error("model crashed", "server_error"))));

        String body = post(true, "{\"trace\":true}", null);

        assertThat(body).contains("\"finish_reason\":\"stop\"").contains("data: {\"error\":{\"message\":")
                .endsWith("data: [DONE]\n\n");
        assertThat(body.indexOf("\"finish_reason\":\"stop\"")).isLessThan(body.indexOf("{\"error\""));
    }

    @Test
    void withoutAskingThereIsNoTraceAndNoEventAndNothingOfOursGoesUpstream() {
        String stream = post(true, "{\"progress\":\"none\"}", null);

        assertThat(stream).doesNotContain("\"moa\"").doesNotContain("event:");
        assertThat(json.readTree(post(false, null, null)).has("moa")).isFalse();
        requestsFor("p1").forEach(request -> assertThat(request.has("moa")).isFalse());
        requestsFor("agg").forEach(request -> assertThat(request.has("moa")).isFalse());
    }

    @Test
    void aStreamThatAsksForEventsCarriesTheRunAsNamedEventsBesideTheChunks() {
        List<Frame> frames = SseFrames.parse(post(true, "{\"events\":true}", "{\"include_usage\":true}"));

        assertThat(frames.get(0).event()).isNull();
        assertThat(json.readTree(frames.get(0).data()).path("choices").get(0).path("delta").path("role").asString())
                .isEqualTo("assistant");
        List<JsonNode> events = frames.stream().filter(frame -> "moa".equals(frame.event()))
                .map(frame -> json.readTree(frame.data())).toList();
        assertThat(events).extracting(event -> event.path("type").asString()).startsWith("run.started", "layer.started")
                .contains("draft.delta", "proposal.settled", "layer.settled", "aggregator.started")
                .endsWith("aggregator.settled", "run.finished");
        JsonNode started = events.get(0);
        assertThat(started.path("version").asInt()).isEqualTo(1);
        assertThat(started.path("mixture").asString()).isEqualTo("duo");
        assertThat(started.path("layers").get(0).path("proposers").get(2).asString()).isEqualTo("fake/p3");
        assertThat(started.path("aggregator").asString()).isEqualTo("fake/agg");
        StringBuilder draft = new StringBuilder();
        events.stream().filter(event -> event.path("type").asString().equals("draft.delta")
                && event.path("index").asInt() == 1).forEach(event -> draft.append(event.path("text").asString()));
        assertThat(draft).hasToString("Beta says water is H2O.");
        JsonNode rejected = events.stream().filter(event -> event.path("type").asString().equals("proposal.settled")
                && event.path("index").asInt() == 2).findFirst().orElseThrow();
        assertThat(rejected.path("layer").asInt()).isEqualTo(1);
        assertThat(rejected.path("outcome").asString()).isEqualTo("rejected");
        assertThat(rejected.path("error").asString()).contains("maximum context length");
        JsonNode layer = events.stream().filter(event -> event.path("type").asString().equals("layer.settled"))
                .findFirst().orElseThrow();
        assertThat(layer.path("answered").asInt()).isEqualTo(2);
        assertThat(layer.path("total").asInt()).isEqualTo(3);
        assertThat(events.get(events.size() - 1).path("usage").path("total_tokens").asInt()).isEqualTo(15 + 17 + 107);
        assertThat(frames.get(frames.size() - 1).data()).isEqualTo("[DONE]");
        assertThat(json.readTree(frames.get(frames.size() - 2).data()).path("usage").path("total_tokens").asInt())
                .isEqualTo(15 + 17 + 107);
    }

    private String post(boolean stream, String moa, String streamOptions) {
        return post(stream, moa, streamOptions, null);
    }

    private String post(boolean stream, String moa, String streamOptions, String traceHeader) {
        return web().post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .headers(headers -> {
                    if (traceHeader != null) {
                        headers.set("X-Moa-Trace", traceHeader);
                    }
                })
                .bodyValue("{\"model\":\"duo\",\"stream\":" + stream
                        + (streamOptions == null ? "" : ",\"stream_options\":" + streamOptions)
                        + (moa == null ? "" : ",\"moa\":" + moa)
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"What is water?\"}]}")
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    }

    private List<JsonNode> chunks(String body) {
        return SseFrames.parse(body).stream().filter(frame -> frame.event() == null && !frame.data().equals("[DONE]"))
                .map(frame -> json.readTree(frame.data())).toList();
    }
}
