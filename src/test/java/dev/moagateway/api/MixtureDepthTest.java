package dev.moagateway.api;

import dev.moagateway.testing.GatewayTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Gateways that call each other's mixtures stop: each upstream call carries one more x-moa-depth. */
class MixtureDepthTest extends GatewayTest {

    @BeforeEach
    void answers() {
        duoUpstreams();
    }

    @Test
    void everyUpstreamCallCarriesTheCallersDepthPlusOne() {
        chat("duo", null).expectStatus().isOk().expectBody().returnResult();
        chat("duo", "1").expectStatus().isOk().expectBody().returnResult();

        assertThat(loggedRequestsFor("p1")).extracting(request -> request.getHeader("x-moa-depth"))
                .containsExactly("1", "2");
        assertThat(loggedRequestsFor("agg")).extracting(request -> request.getHeader("x-moa-depth"))
                .containsExactly("1", "2");
    }

    @Test
    void aMixtureRequestAtTheMaximumDepthIsRefusedBeforeAnyCall() {
        JsonNode error = json.readTree(chat("duo", "2").expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody()).path("error");

        assertThat(error.path("code").asString()).isEqualTo("mixture_depth_exceeded");
        assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asString()).contains("x-moa-depth: 2").contains("moa.max-depth is 2");
        assertThat(requestsFor("p1")).isEmpty();
    }

    @Test
    void aPassthroughIsNotAMixtureAndGoesOnWithItsDepth() {
        chat("fake/p1", "5").expectStatus().isOk().expectBody().returnResult();

        assertThat(loggedRequestsFor("p1")).extracting(request -> request.getHeader("x-moa-depth"))
                .containsExactly("6");
    }

    private ResponseSpec chat(String model, String depth) {
        return web().post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .headers(headers -> {
                    if (depth != null) {
                        headers.set("x-moa-depth", depth);
                    }
                })
                .bodyValue("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .exchange();
    }
}
