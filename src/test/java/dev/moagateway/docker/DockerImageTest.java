package dev.moagateway.docker;

import java.nio.file.Path;
import java.time.Duration;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import static org.assertj.core.api.Assertions.assertThat;

/** Builds the project's image and asks the demo mixture inside it. Skipped where no Docker engine runs. */
@Testcontainers(disabledWithoutDocker = true)
class DockerImageTest {

    @Container
    static final GenericContainer<?> gateway = new GenericContainer<>(
            new ImageFromDockerfile("moa-gateway-test", true).withDockerfile(Path.of("Dockerfile")))
            .withEnv("MOA_DEMO_SPEED", "20")
            .withExposedPorts(8080)
            .waitingFor(Wait.forHttp("/actuator/health").forStatusCode(200))
            .withStartupTimeout(Duration.ofMinutes(3));

    @Test
    void theImageServesTheDemoMixture() {
        OpenAIClient client = OpenAIOkHttpClient.builder()
                .baseUrl("http://" + gateway.getHost() + ":" + gateway.getMappedPort(8080) + "/v1")
                .apiKey("unused")
                .build();

        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("moa-demo")
                .addUserMessage("Why is the sky blue?")
                .build());

        assertThat(completion.model()).isEqualTo("moa-demo");
        assertThat(completion.choices().get(0).message().content().orElseThrow()).contains("drafts");
        assertThat(gateway.getContainerInfo().getConfig().getUser()).isEqualTo("10001");
    }
}
