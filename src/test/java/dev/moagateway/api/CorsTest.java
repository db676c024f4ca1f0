package dev.moagateway.api;

import dev.moagateway.testing.GatewayTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** Browser pages of the allowed origins may call the API; any other origin gets no CORS header. */
@TestPropertySource(properties = "moa.cors.allowed-origins=https://chat.example.com")
class CorsTest extends GatewayTest {

    private static final String ALLOWED = "https://chat.example.com";

    @Test
    void aPreflightFromAnAllowedOriginAllowsTheHeadersTheSdksSendWithoutAKey() {
        anonymous().options().uri("/v1/chat/completions")
                .header(HttpHeaders.ORIGIN, ALLOWED)
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS,
                        "authorization, content-type, x-stainless-os, x-stainless-retry-count, dangerously-allow-browser")
                .exchange()
                .expectStatus().isNoContent()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, ALLOWED)
                .expectHeader().value(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, allowed -> assertThat(allowed)
                        .contains("authorization", "x-stainless-os", "dangerously-allow-browser"))
                .expectHeader().value(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, methods -> assertThat(methods)
                        .contains("POST"));
    }

    @Test
    void aPreflightAskingForAHeaderNotOnTheListIsRefused() {
        anonymous().options().uri("/v1/chat/completions")
                .header(HttpHeaders.ORIGIN, ALLOWED)
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "x-forbidden")
                .exchange()
                .expectStatus().isForbidden()
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS)
                .expectBody().jsonPath("$.error.type").isEqualTo("invalid_request_error");
    }

    @Test
    void requestsFromAnAllowedOriginAndTheirErrorsCarryTheOriginAndExposeTheRequestId() {
        web().get().uri("/v1/models").header(HttpHeaders.ORIGIN, ALLOWED).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, ALLOWED)
                .expectHeader().value(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, exposed -> assertThat(exposed)
                        .contains("x-request-id"))
                .expectBody().returnResult();
        anonymous().post().uri("/v1/chat/completions").header(HttpHeaders.ORIGIN, ALLOWED)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, ALLOWED)
                .expectBody().returnResult();
    }

    @Test
    void anotherOriginGetsNoCorsHeaders() {
        web().get().uri("/v1/models").header(HttpHeaders.ORIGIN, "https://evil.example.net").exchange()
                .expectStatus().isOk()
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)
                .expectBody().returnResult();
        anonymous().options().uri("/v1/chat/completions")
                .header(HttpHeaders.ORIGIN, "https://evil.example.net")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .exchange()
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)
                .expectBody().returnResult();
    }
}
