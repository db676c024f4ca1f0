package dev.moagateway.api;

import java.time.Duration;
import java.util.Collections;
import java.util.stream.Stream;

import dev.moagateway.testing.Fault;
import dev.moagateway.testing.GatewayTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every upstream fault in every position: a proposer that fails is dropped within its timeout; an
 * aggregator or passthrough failure gets a real status before the first byte and an error event then
 * {@code [DONE]} after it; retries happen only where safe, are bounded, and wait as asked.
 */
class FaultMatrixTest extends GatewayTest {

    /** Short waits, so a fault that can only end by timing out ends soon. */
    private static final Duration TOTAL = Duration.ofSeconds(3);
    private static final String REFUSED = "refused";

    @DynamicPropertySource
    static void faultyMixtures(DynamicPropertyRegistry registry) {
        registry.add("moa.providers.faulty.base-url", scripted::baseUrl);
        registry.add("moa.providers.faulty.timeouts.first-byte", () -> "1s");
        registry.add("moa.providers.faulty.timeouts.idle", () -> "1s");
        registry.add("moa.providers.faulty.timeouts.total", TOTAL::toString);
        // Nothing listens on port 1.
        registry.add("moa.providers.closed.base-url", () -> "http://127.0.0.1:1/v1");
        faults().forEach(fault -> {
            String model = provider(fault) + "/" + fault;
            registry.add("moa.models.propose-" + fault + ".layers[0].proposers[0].model", () -> model);
            registry.add("moa.models.propose-" + fault + ".layers[0].proposers[1].model", () -> "scripted/quick-1");
            registry.add("moa.models.propose-" + fault + ".aggregator.model", () -> "scripted/quick-agg");
            registry.add("moa.models.aggregate-" + fault + ".layers[0].proposers[0].model", () -> "scripted/quick-1");
            registry.add("moa.models.aggregate-" + fault + ".aggregator.model", () -> model);
        });
    }

    private static Stream<String> faults() {
        return Stream.concat(Stream.of(Fault.values()).map(Fault::model), Stream.of(REFUSED));
    }

    private static String provider(String fault) {
        return fault.equals(REFUSED) ? "closed" : "faulty";
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aFailingProposerIsDroppedWithinItsTimeout(Fault fault) {
        assertProposerDropped(fault.model());
        assertThat(attempts(fault.model())).isEqualTo(retried(fault) ? 3 : 1);
    }

    @Test
    void anUnreachableProposerIsDroppedWithinItsTimeout() {
        assertProposerDropped(REFUSED);
    }

    private void assertProposerDropped(String fault) {
        long start = System.nanoTime();
        String body = chat("propose-" + fault, false).expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TOTAL.plusSeconds(1));
        assertThat(body).contains("quick-agg answers.");
        assertThat(scripted.lastRequestFor("quick-agg")).contains("quick-1 answers.").doesNotContain("Hal")
                .doesNotContain("boom").doesNotContain("context length").doesNotContain("null");
    }

    static Stream<Arguments> beforeTheFirstByte() {
        return Stream.of(
                Arguments.of(Fault.STATUS_500.model(), 502),
                Arguments.of(Fault.STATUS_429.model(), 429),
                Arguments.of(Fault.CONTEXT_OVERFLOW.model(), 400),
                Arguments.of(Fault.NEVER_ANSWERS.model(), 504),
                Arguments.of(Fault.HEADERS_THEN_SILENCE.model(), 504),
                Arguments.of(REFUSED, 502));
    }

    @ParameterizedTest
    @MethodSource("beforeTheFirstByte")
    void anAggregatorFailingBeforeItsFirstByteGetsARealStatus(String fault, int status) {
        assertRealStatus(chat("aggregate-" + fault, true), status);
    }

    @ParameterizedTest
    @MethodSource("beforeTheFirstByte")
    void aPassthroughStreamFailingBeforeItsFirstByteGetsARealStatus(String fault, int status) {
        assertRealStatus(chat(provider(fault) + "/" + fault, true), status);
    }

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"DROPPED_MID_STREAM", "MALFORMED_LINE", "ERROR_EVENT", "VERY_SLOW_TOKENS"})
    void anAggregatorFailingMidStreamEndsWithAnErrorEventAndDone(Fault fault) {
        assertErrorEventThenDone(chat("aggregate-" + fault.model(), true));
        assertThat(attempts(fault.model())).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"DROPPED_MID_STREAM", "MALFORMED_LINE", "ERROR_EVENT", "VERY_SLOW_TOKENS"})
    void aPassthroughStreamFailingMidStreamEndsWithAnErrorEventAndDone(Fault fault) {
        assertErrorEventThenDone(chat("faulty/" + fault.model(), true));
        assertThat(attempts(fault.model())).isEqualTo(1);
    }

    /** Without a stream there is no first byte to pass: every fault ends in a status. */
    static Stream<Arguments> nonStreaming() {
        return Stream.concat(beforeTheFirstByte(), Stream.of(
                Arguments.of(Fault.DROPPED_MID_STREAM.model(), 502),
                Arguments.of(Fault.MALFORMED_LINE.model(), 502),
                Arguments.of(Fault.ERROR_EVENT.model(), 502),
                Arguments.of(Fault.VERY_SLOW_TOKENS.model(), 504)));
    }

    @ParameterizedTest
    @MethodSource("nonStreaming")
    void aNonStreamingAggregatorOrPassthroughFailureGetsItsStatus(String fault, int status) {
        assertRealStatus(chat("aggregate-" + fault, false), status);
        assertRealStatus(chat(provider(fault) + "/" + fault, false), status);
    }

    @Test
    void aRateLimitIsRetriedAfterTheWaitItAsksForThenPassedOnWithRetryAfter() {
        long start = System.nanoTime();
        chat("faulty/" + Fault.STATUS_429.model(), false).expectStatus().isEqualTo(429)
                .expectHeader().valueEquals("Retry-After", "1")
                .expectBody().returnResult();

        assertThat(attempts(Fault.STATUS_429.model())).isEqualTo(3);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    private static boolean retried(Fault fault) {
        return fault == Fault.STATUS_500 || fault == Fault.STATUS_429;
    }

    private int attempts(String model) {
        return Collections.frequency(scripted.models(), model);
    }

    private void assertRealStatus(WebTestClient.ResponseSpec response,
            int status) {
        EntityExchangeResult<byte[]> result = response.expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody().returnResult();
        JsonNode error = json.readTree(result.getResponseBodyContent()).path("error");
        assertThat(error.path("message").asString()).isNotBlank();
        assertThat(error.has("type") && error.has("param") && error.has("code")).isTrue();
    }

    private void assertErrorEventThenDone(WebTestClient.ResponseSpec response) {
        String body = response.expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        assertThat(body).contains("\"content\":\"Hal\"").contains("data: {\"error\":{\"message\":")
                .endsWith("data: [DONE]\n\n").doesNotContain("\"finish_reason\":\"stop\"");
    }

    private WebTestClient.ResponseSpec chat(String model, boolean stream) {
        return web().post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"" + model + "\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .exchange();
    }
}
