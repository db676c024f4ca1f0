package dev.moagateway.api;

import dev.moagateway.testing.GatewayTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** A request that brings its own layers and aggregator runs them instead of its mixture's, for itself only. */
class PerRequestMixtureTest extends GatewayTest {

    @BeforeEach
    void answers() {
        duoUpstreams();
        answer("self", "Self says water is wet.", 20, 4);
        answer("judge", "Water is wet.", 50, 3);
    }

    @Test
    void theRequestsLayersAndAggregatorReplaceTheMixturesForThatRequestOnly() {
        JsonNode completion = okBody(chat("duo", """
                {"layers": [{"proposers": [{"model": "fake/self", "samples": 2, "temperatures": [0.3, 1.1]}]}],
                 "aggregator": {"model": "fake/judge", "max_tokens": 77}}"""));

        assertThat(completion.path("model").asString()).isEqualTo("duo");
        assertThat(completion.at("/choices/0/message/content").asString()).isEqualTo("Water is wet.");
        assertThat(requestsFor("self")).extracting(request -> request.path("temperature").asDouble())
                .containsExactlyInAnyOrder(0.3, 1.1);
        assertThat(onlyRequestFor("judge").path("max_tokens").asInt()).isEqualTo(77);
        assertThat(requestsFor("p1")).isEmpty();
        assertThat(requestsFor("agg")).isEmpty();

        okBody(chat("duo", null));
        assertThat(requestsFor("p1")).hasSize(1);
        assertThat(requestsFor("agg")).hasSize(1);
        assertThat(requestsFor("self")).hasSize(2);
    }

    @Test
    void aMistakeIsA400InOpenAisShapeNamingItsPlaceBeforeAnyCall() {
        JsonNode error = badRequest(chat("duo", """
                {"layers": [{"proposers": [{"model": "fake/self"}, {"model": "nowhere/x"}]}]}"""));

        assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asString()).isEqualTo("moa.layers[0].proposers[1].model");
        assertThat(error.path("message").asString()).contains("unknown provider 'nowhere'");
        assertThat(requestsFor("self")).isEmpty();
    }

    @Test
    void theServersLimitsBoundWhatARequestMayCall() {
        JsonNode error = badRequest(chat("duo", """
                {"layers": [{"proposers": [{"model": "fake/self", "samples": 9}]}]}"""));

        assertThat(error.path("param").asString()).isEqualTo("moa.layers[0].proposers");
        assertThat(error.path("message").asString()).contains("at most 3 calls");
    }

    @Test
    void aProvidersModelHasNoMixtureToChange() {
        JsonNode error = badRequest(chat("fake/p1", "{\"aggregator\": {\"model\": \"fake/judge\"}}"));

        assertThat(error.path("param").asString()).isEqualTo("moa");
        assertThat(requestsFor("p1")).isEmpty();
    }

    private ResponseSpec chat(String model, String parts) {
        String moa = parts == null ? "" : ",\"moa\":" + parts;
        return web().post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]"
                        + moa + "}")
                .exchange();
    }

    private JsonNode okBody(ResponseSpec response) {
        return json.readTree(response.expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody());
    }

    private JsonNode badRequest(ResponseSpec response) {
        return json.readTree(response.expectStatus().isBadRequest().expectBody(String.class).returnResult()
                .getResponseBody()).path("error");
    }
}
