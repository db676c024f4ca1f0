package dev.moagateway.api;

import java.time.Duration;

import dev.moagateway.testing.GatewayTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that leaves, in any phase, stream or not, mixture or passthrough, leaves no upstream call behind:
 * the scripted upstream sees every request it was serving cancelled within a second.
 */
class CancellationTest extends GatewayTest {

    private WebClient client;

    @BeforeEach
    void client() {
        client = WebClient.builder().baseUrl(baseUrl()).defaultHeader("Authorization", "Bearer " + API_KEY).build();
        await().atMost(Duration.ofSeconds(5)).until(() -> scripted.active() == 0);
    }

    @Test
    void leavingAStreamWhileProposersWorkCancelsEveryProposer() {
        Disposable call = chat("waiting", true).bodyToFlux(String.class).subscribe();
        await().atMost(Duration.ofSeconds(5)).until(() -> scripted.active() == 2);
        int abandonedBefore = scripted.abandoned();

        call.dispose();

        await().atMost(Duration.ofSeconds(1)).until(() -> scripted.active() == 0);
        assertThat(scripted.abandoned() - abandonedBefore).isEqualTo(2);
        assertThat(scripted.models()).doesNotContain("quick-agg");
    }

    @Test
    void leavingANonStreamingRequestWhileProposersWorkCancelsEveryProposer() {
        Disposable call = chat("waiting", false).bodyToMono(String.class).subscribe();
        await().atMost(Duration.ofSeconds(5)).until(() -> scripted.active() == 2);
        int abandonedBefore = scripted.abandoned();

        call.dispose();

        await().atMost(Duration.ofSeconds(1)).until(() -> scripted.active() == 0);
        assertThat(scripted.abandoned() - abandonedBefore).isEqualTo(2);
    }

    @Test
    void leavingInTheMiddleOfTheAggregatorsStreamCancelsIt() {
        Disposable call = chat("trickling", true).bodyToFlux(String.class).subscribe();
        await().atMost(Duration.ofSeconds(5)).until(() -> scripted.models().contains("trickle-agg"));
        await().pollDelay(Duration.ofMillis(300)).until(() -> true);
        int abandonedBefore = scripted.abandoned();

        call.dispose();

        await().atMost(Duration.ofSeconds(1)).until(() -> scripted.active() == 0);
        assertThat(scripted.abandoned() - abandonedBefore).isEqualTo(1);
    }

    @Test
    void leavingAPassthroughStreamCancelsIt() {
        Disposable call = chat("scripted/trickle-solo", true).bodyToFlux(String.class).subscribe();
        await().atMost(Duration.ofSeconds(5)).until(() -> scripted.active() == 1);
        await().pollDelay(Duration.ofMillis(300)).until(() -> true);

        call.dispose();

        await().atMost(Duration.ofSeconds(1)).until(() -> scripted.active() == 0);
    }

    @Test
    void leavingAPassthroughRequestBeforeItsAnswerCancelsIt() {
        Disposable call = chat("scripted/hang-solo", false).bodyToMono(String.class).subscribe();
        await().atMost(Duration.ofSeconds(5)).until(() -> scripted.active() == 1);

        call.dispose();

        await().atMost(Duration.ofSeconds(1)).until(() -> scripted.active() == 0);
    }

    @Test
    void leavingAPassthroughStreamBeforeItsFirstChunkCancelsIt() {
        Disposable call = chat("scripted/hang-solo", true).bodyToFlux(String.class).subscribe();
        await().atMost(Duration.ofSeconds(5)).until(() -> scripted.active() == 1);

        call.dispose();

        await().atMost(Duration.ofSeconds(1)).until(() -> scripted.active() == 0);
    }

    @Test
    void aLayerDeadlineGoesOnWithTheAnswersItHasAndCancelsTheStraggler() {
        int abandonedBefore = scripted.abandoned();

        String body = chat("hurried", false).bodyToMono(String.class).block(Duration.ofSeconds(5));

        assertThat(body).contains("quick-agg answers.");
        assertThat(scripted.abandoned() - abandonedBefore).isEqualTo(1);
        assertThat(scripted.active()).isZero();
        assertThat(scripted.models()).containsExactlyInAnyOrder("quick-1", "hang-1", "quick-2", "quick-agg");
    }

    @Test
    void leavingAResponsesStreamWhileProposersWorkCancelsEveryProposer() {
        Disposable call = responses("waiting", true).bodyToFlux(String.class).subscribe();
        await().atMost(Duration.ofSeconds(5)).until(() -> scripted.active() == 2);
        int abandonedBefore = scripted.abandoned();

        call.dispose();

        await().atMost(Duration.ofSeconds(1)).until(() -> scripted.active() == 0);
        assertThat(scripted.abandoned() - abandonedBefore).isEqualTo(2);
    }

    @Test
    void leavingAResponsesRequestInTheMiddleOfAPassthroughCancelsIt() {
        Disposable call = responses("scripted/trickle-solo", false).bodyToMono(String.class).subscribe();
        await().atMost(Duration.ofSeconds(5)).until(() -> scripted.active() == 1);
        await().pollDelay(Duration.ofMillis(300)).until(() -> true);

        call.dispose();

        await().atMost(Duration.ofSeconds(1)).until(() -> scripted.active() == 0);
    }

    private WebClient.ResponseSpec responses(String model, boolean stream) {
        return client.post()
                .uri("/v1/responses")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"input\":\"Hi\"}")
                .retrieve();
    }

    private WebClient.ResponseSpec chat(String model, boolean stream) {
        return client.post()
                .uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"" + model + "\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .retrieve();
    }
}
