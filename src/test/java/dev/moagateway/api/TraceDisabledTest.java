package dev.moagateway.api;

import dev.moagateway.testing.GatewayTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** An operator who switched traces off: requests for one are served without it. */
@TestPropertySource(properties = "moa.trace.enabled=false")
class TraceDisabledTest extends GatewayTest {

    @Test
    void aRequestForATraceGetsTheAnswerWithout() {
        String body = web().post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .header("X-Moa-Trace", "true")
                .bodyValue("{\"model\":\"demo-pair\",\"moa\":{\"trace\":true},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        assertThat(json.readTree(body).has("moa")).isFalse();
        assertThat(json.readTree(body).path("choices").get(0).path("message").path("content").asString())
                .startsWith("Sage combines 2 drafts");
    }
}
