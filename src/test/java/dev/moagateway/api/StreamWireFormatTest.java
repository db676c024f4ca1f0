package dev.moagateway.api;

import java.time.Duration;
import java.util.List;

import dev.moagateway.testing.GatewayTest;
import dev.moagateway.testing.UpstreamBodies;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

/** The bytes of a mixture's stream, as an OpenAI client reads them. */
class StreamWireFormatTest extends GatewayTest {

    private static final String GOLDEN = """
            data: {"id":"chatcmpl-ID","object":"chat.completion.chunk","created":0,"model":"duo","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

            data: {"id":"chatcmpl-ID","object":"chat.completion.chunk","created":0,"model":"duo","choices":[{"index":0,"delta":{"content":"Water"},"finish_reason":null}]}

            data: {"id":"chatcmpl-ID","object":"chat.completion.chunk","created":0,"model":"duo","choices":[{"index":0,"delta":{"content":" is"},"finish_reason":null}]}

            data: {"id":"chatcmpl-ID","object":"chat.completion.chunk","created":0,"model":"duo","choices":[{"index":0,"delta":{"content":" wet."},"finish_reason":null}]}

            data: {"id":"chatcmpl-ID","object":"chat.completion.chunk","created":0,"model":"duo","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

            data: {"id":"chatcmpl-ID","object":"chat.completion.chunk","created":0,"model":"duo","choices":[],"usage":{"prompt_tokens":121,"completion_tokens":14,"total_tokens":135}}

            data: [DONE]

            """;

    @Test
    void aMixturesStreamMatchesTheGoldenText() {
        answer("p1", "One.", 10, 5);
        answer("p2", "Two.", 11, 6);
        answer("p3", "Three.", 0, 0);
        fail("p3", 400, UpstreamBodies.error("too long", "invalid_request_error"));
        streamAnswer("agg", List.of("Water", " is", " wet."), 100);

        String body = web().post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"model":"duo","stream":true,"stream_options":{"include_usage":true},
                         "messages":[{"role":"user","content":"What is water?"}]}""")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .expectHeader().valueEquals("Cache-Control", "no-cache")
                .expectHeader().valueEquals("X-Accel-Buffering", "no")
                .expectBody(String.class).returnResult().getResponseBody();

        String stable = body.replaceAll("\"id\":\"chatcmpl-[0-9a-f]{32}\"", "\"id\":\"chatcmpl-ID\"")
                .replaceAll("\"created\":\\d+", "\"created\":0");
        assertThat(stable).isEqualTo(GOLDEN);
    }

    @Test
    void withoutIncludeUsageThereIsNoUsageChunk() {
        answer("p1", "One.", 10, 5);
        answer("p2", "Two.", 11, 6);
        answer("p3", "Three.", 1, 1);
        streamAnswer("agg", List.of("Water"), 100);

        String body = web().post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"duo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(body).doesNotContain("usage").contains("\"finish_reason\":\"stop\"").endsWith("data: [DONE]\n\n");
    }

    @Test
    void eachChunkReachesTheClientWithoutWaitingForTheNext() {
        respond("halting", aResponse().withHeader("Content-Type", "text/event-stream")
                .withChunkedDribbleDelay(2, 2000)
                .withBody(UpstreamBodies.stream("halting", List.of("First", " then", " more."), 1)));

        List<Long> arrivals = web().post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"model":"fake/halting","stream":true,"messages":[{"role":"user","content":"Go"}]}""")
                .exchange()
                .expectStatus().isOk()
                .returnResult(String.class).getResponseBody()
                .map(data -> System.nanoTime())
                .collectList().block(Duration.ofSeconds(10));

        // The upstream sends half its events, then the rest a second later: the first half must not wait for it.
        assertThat(arrivals).hasSizeGreaterThan(2);
        assertThat(Duration.ofNanos(arrivals.get(arrivals.size() - 1) - arrivals.get(0)))
                .isGreaterThan(Duration.ofMillis(500));
    }
}
