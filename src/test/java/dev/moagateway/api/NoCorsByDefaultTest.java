package dev.moagateway.api;

import dev.moagateway.testing.GatewayTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

/** With no origins configured, no page of any origin may read the API's answers. */
class NoCorsByDefaultTest extends GatewayTest {

    @Test
    void noOriginGetsCorsHeaders() {
        web().get().uri("/v1/models").header(HttpHeaders.ORIGIN, "https://chat.example.com").exchange()
                .expectStatus().isOk()
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)
                .expectBody().returnResult();
    }
}
