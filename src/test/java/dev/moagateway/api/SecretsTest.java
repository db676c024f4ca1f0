package dev.moagateway.api;

import dev.moagateway.testing.GatewayTest;
import dev.moagateway.testing.UpstreamBodies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Keys and prompts stay out of logs, error bodies and Actuator; Actuator shows health only. */
@ExtendWith(OutputCaptureExtension.class)
class SecretsTest extends GatewayTest {

    private static final String PROMPT = "my-private-prompt-4711";

    @Test
    void keysAndPromptsNeverReachLogsOrErrorBodies(CapturedOutput output) {
        answer("p1", "Fine.", 1, 1);
        fail("p2", 500, UpstreamBodies.error("boom", "server_error"));
        fail("p3", 401, UpstreamBodies.error("Incorrect API key provided", "invalid_request_error"));
        fail("agg", 503, UpstreamBodies.error("overloaded", "server_error"));
        fail("down", 400, "Bad request, you sent: Authorization: Bearer sk-upstream-secret");
        WebTestClient wrongKey = anonymous().mutate()
                .defaultHeader("Authorization", "Bearer sk-wrong-secret-1234").build();

        String bodies = chat(web(), "duo") + chat(web(), "strict") + chat(wrongKey, "duo") + chat(web(), "fake/p3");

        assertThat(output.getAll() + bodies).doesNotContain(API_KEY).doesNotContain("sk-wrong-secret-1234")
                .doesNotContain("sk-upstream-secret").doesNotContain(PROMPT);
        assertThat(output.getAll()).contains("fake/p2 returned HTTP 500", "Bearer ****");
    }

    @Test
    void actuatorExposesHealthAndNothingElse() {
        web().get().uri("/actuator/health").exchange().expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).doesNotContain("sk-"));
        for (String endpoint : new String[] {"env", "configprops", "beans", "mappings", "heapdump", "loggers"}) {
            web().get().uri("/actuator/" + endpoint).exchange().expectStatus().isNotFound().expectBody().returnResult();
        }
    }

    private static String chat(WebTestClient client, String model) {
        return client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}")
                .exchange()
                .expectBody(String.class).returnResult().getResponseBody();
    }
}
