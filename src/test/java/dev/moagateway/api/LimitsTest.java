package dev.moagateway.api;

import java.time.Duration;

import dev.moagateway.testing.GatewayTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@TestPropertySource(properties = "moa.limits.max-concurrent-requests=2")
class LimitsTest extends GatewayTest {

    @Test
    void pastTheConcurrentRequestLimitRequestsAreRefusedWith429UntilASlotFrees() {
        WebClient client = WebClient.builder().baseUrl(baseUrl()).defaultHeader("Authorization", "Bearer " + API_KEY).build();
        Disposable first = waitingRequest(client);
        Disposable second = waitingRequest(client);
        await().atMost(Duration.ofSeconds(5)).until(() -> scripted.active() == 4);

        web().post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"demo-pair\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                .expectHeader().valueEquals("Retry-After", "1")
                .expectBody().jsonPath("$.error.type").isEqualTo("rate_limit_error");
        web().get().uri("/v1/models").exchange().expectStatus().isOk().expectBody().returnResult();

        first.dispose();
        second.dispose();
        await().atMost(Duration.ofSeconds(1)).until(() -> scripted.active() == 0);
        web().post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"demo-pair\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .exchange()
                .expectStatus().isOk()
                .expectBody().returnResult();
    }

    @Test
    void aProvidersMaxConcurrencyHoldsItsCallsInFlightToTheCap() {
        String body = web().post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"crowded\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(body).contains("quick-agg answers.");
        assertThat(scripted.models()).hasSize(5);
        assertThat(scripted.mostActive()).isEqualTo(2);
    }

    private static Disposable waitingRequest(WebClient client) {
        return client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"waiting\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .retrieve()
                .bodyToMono(String.class)
                .subscribe(answer -> { }, error -> { });
    }
}
