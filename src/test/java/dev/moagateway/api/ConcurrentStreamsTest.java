package dev.moagateway.api;

import java.time.Duration;
import java.util.List;

import dev.moagateway.testing.GatewayTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import static org.assertj.core.api.Assertions.assertThat;

class ConcurrentStreamsTest extends GatewayTest {

    private static final int STREAMS = 200;

    @Test
    void twoHundredConcurrentMixtureStreamsAllComplete() {
        ConnectionProvider connections = ConnectionProvider.builder("clients").maxConnections(STREAMS).build();
        WebClient client = WebClient.builder()
                .baseUrl(baseUrl())
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create(connections)))
                .defaultHeader("Authorization", "Bearer " + API_KEY)
                .build();
        try {
            List<String> bodies = Flux.range(0, STREAMS)
                    .flatMap(i -> client.post()
                            .uri("/v1/chat/completions")
                            .contentType(MediaType.APPLICATION_JSON)
                            .bodyValue("{\"model\":\"brisk\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Q"
                                    + i + "\"}]}")
                            .retrieve()
                            .bodyToFlux(String.class)
                            .reduce(new StringBuilder(), (body, event) -> body.append(event).append('\n'))
                            .map(StringBuilder::toString), STREAMS)
                    .collectList()
                    // Generous: Netty's paranoid leak detector records every buffer access and slows this test
                    // several times over on two cores.
                    .block(Duration.ofSeconds(240));

            assertThat(bodies).hasSize(STREAMS).allSatisfy(body -> {
                assertThat(body).contains("quick-agg answers.", " t19", "\"finish_reason\":\"stop\"").doesNotContain("error");
                assertThat(body.strip()).endsWith("[DONE]");
            });
        }
        finally {
            connections.dispose();
        }
    }
}
