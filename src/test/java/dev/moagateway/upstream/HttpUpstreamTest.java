package dev.moagateway.upstream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.ChatMessage;
import dev.moagateway.testing.UpstreamBodies;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

class HttpUpstreamTest {

    private static final WireMockServer server = new WireMockServer(options().dynamicPort());
    private static final String PATH = "/v1/chat/completions";
    private final ChatCompletionRequest request = ChatCompletionRequest.of("m", List.of(ChatMessage.of("user", "Hi")));
    private HttpUpstream upstream;

    @BeforeEach
    void start() {
        if (!server.isRunning()) {
            server.start();
        }
        server.resetAll();
        upstream = upstream(new Timeouts(Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofMillis(500),
                Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void retriesARateLimitAfterTheWaitItAsksFor() {
        server.stubFor(post(urlEqualTo(PATH)).inScenario("limit").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("open"));
        server.stubFor(post(urlEqualTo(PATH)).inScenario("limit").whenScenarioStateIs("open")
                .willReturn(okJson(UpstreamBodies.completion("m", "Done.", 1, 1))));

        long start = System.nanoTime();
        StepVerifier.create(upstream.complete(request))
                .assertNext(body -> assertThat(new String(body, StandardCharsets.UTF_8)).contains("\"content\":\"Done.\""))
                .expectComplete()
                .verify(Duration.ofSeconds(5));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        server.verify(2, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void aClientErrorIsNotRetried() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(400)
                .withBody(UpstreamBodies.error("bad field", "invalid_request_error"))));

        StepVerifier.create(upstream.complete(request))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(UpstreamException.class, up -> {
                    assertThat(up.status()).isEqualTo(400);
                    assertThat(up.getMessage()).isEqualTo("up/m returned HTTP 400: bad field");
                }))
                .verify(Duration.ofSeconds(5));
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void serverErrorsAreRetriedTwiceThenReported() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(503).withBody("<html>busy</html>")));

        StepVerifier.create(upstream.complete(request))
                .expectErrorMessage("up/m returned HTTP 503: <html>busy</html>")
                .verify(Duration.ofSeconds(5));
        server.verify(3, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void aStreamThatStallsAfterItsFirstChunkTimesOutAndIsNotRetried() {
        dribble(2, 3000, "a", "b", "c");

        StepVerifier.create(upstream.stream(request.asStreamWithUsage()))
                .thenConsumeWhile(chunk -> true)
                .expectErrorSatisfies(error -> assertThat(error.getMessage()).contains("timed out"))
                .verify(Duration.ofSeconds(5));
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void onceAChunkCameTheStreamWaitsTheIdleTimeoutNotTheFirstBytesOne() {
        HttpUpstream patient = upstream(new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(10),
                Duration.ofMillis(300), Duration.ofSeconds(20)));
        dribble(2, 2000, "a", "b", "c");

        StepVerifier.create(patient.stream(request.asStreamWithUsage()))
                .thenConsumeWhile(chunk -> true)
                .expectErrorMessage("up/m timed out: no next chunk within 300 ms")
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aStreamThatKeepsComingButNeverEndsStopsAtTheTotalTimeout() {
        HttpUpstream hurried = upstream(new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofMillis(1500)));
        dribble(10, 4000, "a", "b", "c", "d", "e", "f", "g", "h");

        StepVerifier.create(hurried.stream(request.asStreamWithUsage()))
                .thenConsumeWhile(chunk -> true)
                .expectErrorMessage("up/m timed out: no end of stream within 1500 ms")
                .verify(Duration.ofSeconds(5));
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    /** A stream of {@code tokens} sent in {@code parts} pieces spread over {@code millis}. */
    private static void dribble(int parts, int millis, String... tokens) {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                .withChunkedDribbleDelay(parts, millis)
                .withBody(UpstreamBodies.stream("m", List.of(tokens), 1))));
    }

    private static HttpUpstream upstream(Timeouts timeouts) {
        ProviderSettings settings = new ProviderSettings(server.baseUrl() + "/v1", "sk-up", null, timeouts, null, null,
                null, null);
        return HttpUpstream.create("up", settings, HttpClient.create(), JsonMapper.builder().build());
    }

    @Test
    void anErrorObjectOrNothingUnderStatus200IsAnError() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(okJson(UpstreamBodies.error("quota exceeded", "billing"))));
        StepVerifier.create(upstream.complete(request))
                .expectErrorMessage("up/m answered with an error: quota exceeded")
                .verify(Duration.ofSeconds(5));

        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)));
        StepVerifier.create(upstream.complete(request))
                .expectErrorMessage("up/m sent an empty response")
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aConnectionRefusedIsUnreachable() {
        ProviderSettings nowhere = new ProviderSettings("http://127.0.0.1:1/v1", null, null,
                new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5)), null, null, null, null);
        HttpUpstream closed = HttpUpstream.create("gone", nowhere, HttpClient.create(), JsonMapper.builder().build());

        StepVerifier.create(closed.complete(request))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(UpstreamException.class,
                        up -> assertThat(up.kind()).isEqualTo(UpstreamException.Kind.UNREACHABLE)))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void retryAfterIsReadInMillisecondsSecondsOrAsADate() {
        HttpHeaders headers = new DefaultHttpHeaders();
        assertThat(HttpUpstream.retryAfter(headers)).isNull();
        headers.set("Retry-After", "7");
        assertThat(HttpUpstream.retryAfter(headers)).hasSeconds(7);
        headers.set("retry-after-ms", "250");
        assertThat(HttpUpstream.retryAfter(headers)).hasMillis(250);
        headers.remove("retry-after-ms");
        headers.set("Retry-After", DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().plusSeconds(30)));
        assertThat(HttpUpstream.retryAfter(headers)).isBetween(Duration.ofSeconds(25), Duration.ofSeconds(31));
        headers.set("Retry-After", "soon");
        assertThat(HttpUpstream.retryAfter(headers)).isNull();
    }
}
