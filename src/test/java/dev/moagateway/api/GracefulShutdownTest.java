package dev.moagateway.api;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.moagateway.MoaGatewayApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import static org.assertj.core.api.Assertions.assertThat;

/** A gateway that is asked to stop lets the streams in flight finish within the grace period. */
class GracefulShutdownTest {

    @Test
    void aStreamInFlightFinishesWhileTheGatewayShutsDown() {
        ConfigurableApplicationContext gateway = new SpringApplicationBuilder(MoaGatewayApplication.class)
                .initializers(GracefulShutdownTest::ownEventLoops)
                .run(
                "--spring.config.location=classpath:/", "--spring.profiles.active=fake", "--server.port=0",
                "--fake.base-url=http://127.0.0.1:1/v1", "--scripted.base-url=http://127.0.0.1:1/v1",
                "--scripted.localhost-url=http://localhost:1/v1", "--moa.api-keys=", "--moa.demo.speed=1",
                "--spring.lifecycle.timeout-per-shutdown-phase=20s");
        int port = gateway.getEnvironment().getProperty("local.server.port", Integer.class);
        // The client has event loops of its own: this gateway is stopped while the client reads.
        LoopResources loops = LoopResources.create("client", 1, true);
        WebClient client = WebClient.builder()
                .baseUrl("http://localhost:" + port)
                .clientConnector(new ReactorClientHttpConnector(
                        HttpClient.create(ConnectionProvider.newConnection()).runOn(loops)))
                .build();
        Flux<String> events = client.post()
                .uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"demo/atlas\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .retrieve()
                .bodyToFlux(String.class)
                .cache();

        events.blockFirst(Duration.ofSeconds(10));
        CompletableFuture<Void> shutdown = CompletableFuture.runAsync(gateway::close);
        String rest = String.join("\n", events.collectList().block(Duration.ofSeconds(20)));
        shutdown.join();

        loops.dispose();

        assertThat(rest).contains("\"finish_reason\":\"stop\"").endsWith("[DONE]");
        assertThat(gateway.isActive()).isFalse();
    }

    /**
     * A server on event loops of its own: a context on the shared ones disposes them when it closes, and the
     * other tests' gateways, which outlive this one, use them.
     */
    private static void ownEventLoops(ConfigurableApplicationContext context) {
        ReactorResourceFactory resources = new ReactorResourceFactory();
        resources.setUseGlobalResources(false);
        ((GenericApplicationContext) context).registerBean(ReactorResourceFactory.class, () -> resources);
    }
}
