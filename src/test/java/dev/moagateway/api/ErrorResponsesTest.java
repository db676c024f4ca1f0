package dev.moagateway.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.moagateway.testing.GatewayTest;
import dev.moagateway.testing.RawHttp;
import dev.moagateway.testing.UpstreamBodies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

/** Every failure a client can meet comes as OpenAI's error object with the status the SDKs expect. */
class ErrorResponsesTest extends GatewayTest {

    private static final String HELLO = "[{\"role\":\"user\",\"content\":\"Hello\"}]";

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {"model":"duo",                                  | 400 |          | not valid JSON
            [1,2,3]                                          | 400 |          | JSON object
            {"model":"duo"}                                  | 400 | messages | 'messages'
            {"model":"duo","messages":[]}                    | 400 | messages | at least one
            {"model":"duo","messages":"Hello"}               | 400 | messages | expected an array
            {"model":"duo","messages":[{"content":"Hi"}]}    | 400 | messages[0].role | role
            {"messages":[{"role":"user","content":"Hi"}]}    | 400 | model    | model
            {"model":"duo","messages":[{"role":"user","content":"Hi"}],"temperature":"hot"} | 400 | temperature | expected a number
            {"model":"duo","messages":[{"role":"user","content":"Hi"}],"max_tokens":[1]}    | 400 | max_tokens  | Invalid type
            {"model":"duo","messages":[{"role":"user","content":"Hi"}],"stream":{}}          | 400 | stream      | expected a boolean
            {"model":"duo","messages":[{"role":"user","content":"Hi"}],"stream_options":{"include_usage":"x"}} | 400 | stream_options.include_usage | Invalid type
            {"model":"duo","messages":[{"role":"user","content":"Hi"}],"temperature":3}     | 400 | temperature | between 0 and 2
            {"model":"duo","messages":[{"role":"user","content":"Hi"}],"top_p":-0.5}        | 400 | top_p       | between 0 and 1
            {"model":"duo","messages":[{"role":"user","content":"Hi"}],"n":0}               | 400 | n           | between 1 and 128
            {"model":"duo","messages":[{"role":"user","content":"Hi"}],"max_tokens":0}      | 400 | max_tokens  | at least 1
            {"model":"duo","messages":[{"role":"user","content":"Hi"}],"max_completion_tokens":-3} | 400 | max_completion_tokens | at least 1
            {"model":"duo","model":"fake/p1","messages":[{"role":"user","content":"Hi"}]}  | 400 |  | Duplicate
            {"model":"gpt-17","messages":[{"role":"user","content":"Hi"}]}   | 404 | model | does not exist
            {"model":"http://169.254.169.254/latest","messages":[{"role":"user","content":"Hi"}]} | 404 | model | does not exist
            {"model":"nowhere/m","messages":[{"role":"user","content":"Hi"}]} | 404 | model | does not exist
            """)
    void badRequestsGetAClearError(String body, int status, String param, String message) {
        JsonNode error = expectError(chat(body), status);

        assertThat(error.path("param").isNull() ? null : error.path("param").asString()).isEqualTo(param);
        assertThat(error.path("message").asString()).contains(message);
        if (status == 404) {
            assertThat(error.path("code").asString()).isEqualTo("model_not_found");
        }
    }

    @Test
    void emptyBodyIsABadRequest() {
        expectError(web().post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON), 400);
    }

    @Test
    void deeplyNestedJsonIsRefused() {
        String deep = "[".repeat(100) + "]".repeat(100);
        JsonNode error = expectError(chat("{\"model\":\"duo\",\"messages\":" + HELLO + ",\"metadata\":" + deep + "}"), 400);

        assertThat(error.path("message").asString()).contains("deeply nested");
    }

    @Test
    void oversizedHeadersAreRefusedWith431() {
        expectError(web().get().uri("/v1/models").header("X-Padding", "p".repeat(40 * 1024)), 431);
    }

    @Test
    void aMissingOrWrongKeyIsRefused() {
        WebTestClient anonymous = anonymous();
        JsonNode missing = expectError(anonymous.get().uri("/v1/models"), 401);
        JsonNode wrong = expectError(anonymous.get().uri("/v1/models").header("Authorization", "Bearer sk-nope"), 401);

        assertThat(missing.path("code").asString()).isEqualTo("invalid_api_key");
        assertThat(wrong.path("code").asString()).isEqualTo("invalid_api_key");
        assertThat(wrong.path("message").asString()).doesNotContain("sk-nope").doesNotContain(API_KEY);
    }

    @Test
    void aBodyLargerThanTheLimitIs413() {
        String huge = "x".repeat(17 * 1024 * 1024);
        expectError(chat("{\"model\":\"duo\",\"messages\":[{\"role\":\"user\",\"content\":\"" + huge + "\"}]}"), 413);
    }

    @Test
    void anotherMethodOnAnEndpointIs405AndAnUnknownPathIs404() {
        expectError(web().get().uri("/v1/chat/completions"), 405);
        expectError(web().method(HttpMethod.DELETE).uri("/v1/models"), 405);
        JsonNode notFound = expectError(web().get().uri("/v1/nothing-here"), 404);
        assertThat(notFound.path("message").asString()).contains("/v1/nothing-here");
    }

    @Test
    void anAggregatorRateLimitIsPassedOnWithRetryAfter() {
        answerProposers();
        respond("agg", aResponse().withStatus(429).withHeader("Retry-After", "30")
                        .withBody(UpstreamBodies.error("Slow down", "rate_limit_error")));

        EntityExchangeResult<byte[]> result = chat(mixtureRequest(false)).exchange()
                .expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                .expectHeader().valueEquals("Retry-After", "30")
                .expectBody().returnResult();

        assertThat(errorOf(result).path("message").asString()).contains("Slow down");
        assertThat(requestsFor("agg")).hasSize(1);
    }

    @Test
    void anAggregatorServerErrorIsRetriedThenBecomes502() {
        answerProposers();
        fail("agg", 500, UpstreamBodies.error("boom", "server_error"));

        JsonNode error = expectError(chat(mixtureRequest(false)), 502);

        assertThat(error.path("message").asString()).contains("fake/agg", "500", "boom");
        assertThat(requestsFor("agg")).hasSize(3);
    }

    @Test
    void aStreamThatFailsBeforeItsFirstByteGetsARealStatus() {
        answerProposers();
        fail("agg", 500, UpstreamBodies.error("boom", "server_error"));

        expectError(chat(mixtureRequest(true)), 502);
    }

    @Test
    void anAggregatorThatNeverAnswersIs504AfterTheTotalTimeout() {
        answerProposers();
        respond("agg", aResponse().withFixedDelay(8000).withBody(UpstreamBodies.completion("agg", "late", 1, 1)));

        JsonNode error = expectError(chat(mixtureRequest(false)), 504);

        assertThat(error.path("message").asString()).contains("fake/agg", "timed out");
    }

    @Test
    void aPassthroughRequestTheProviderRejectsKeepsItsStatusAndMessage() {
        fail("solo", 400, UpstreamBodies.error("Unsupported parameter: 'frobnicate'", "invalid_request_error"));

        JsonNode error = expectError(chat("{\"model\":\"fake/solo\",\"messages\":" + HELLO + "}"), 400);

        assertThat(error.path("message").asString()).contains("frobnicate");
    }

    @Test
    void anErrorInsideTheAggregatorsStreamEndsTheStreamWithAnErrorEventAndDone() {
        answerProposers();
        respond("agg", events(List.of(
                        UpstreamBodies.chunk("agg", "{\"role\":\"assistant\",\"content\":\"Half\"}", null),
                        UpstreamBodies.error("model crashed", "server_error"))));

        String body = chat(mixtureRequest(true)).exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(body).contains("\"content\":\"Half\"")
                .contains("data: {\"error\":{\"message\":\"fake/agg failed mid-stream: model crashed\","
                        + "\"type\":\"upstream_error\",\"param\":null,\"code\":\"upstream_error\"}}\n\n")
                .endsWith("data: [DONE]\n\n");
    }

    @Test
    void aStreamThatStopsWithoutFinishingIsAnErrorNotATruncatedAnswer() {
        answerProposers();
        respond("agg", events(List.of(
                        UpstreamBodies.chunk("agg", "{\"role\":\"assistant\",\"content\":\"Half\"}", null))));

        String body = chat(mixtureRequest(true)).exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(body).contains("ended the stream before it finished").endsWith("data: [DONE]\n\n");
    }

    /**
     * Spring refuses these before any filter or handler runs ({@code java.net.URI} will not parse them), and no
     * Java HTTP client sends them, so they go over a plain socket.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            POST | /v1/chat/completions?x=%%%%
            GET  | /v1/models?%zz
            GET  | /v1/%%
            POST | /v1/chat/completions?q={"a":1}
            """)
    void aMalformedUrlGetsAnOpenAiError(String method, String target) throws IOException {
        byte[] body = method.equals("POST") ? ("{\"model\":\"duo\",\"messages\":" + HELLO + "}")
                .getBytes(StandardCharsets.UTF_8) : null;
        RawHttp.Response response = RawHttp.send(port, method, target, List.of(
                new RawHttp.Header("Authorization", "Bearer " + API_KEY),
                new RawHttp.Header("Content-Type", "application/json"),
                new RawHttp.Header("x-request-id", "trace-42")), body);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header("content-type")).isEqualTo("application/json");
        assertThat(response.header("x-request-id")).isEqualTo("trace-42");
        JsonNode error = json.readTree(response.text()).path("error");
        assertThat(json.readTree(response.text()).propertyNames()).containsExactly("error");
        assertThat(error.propertyNames()).containsExactlyInAnyOrder("message", "type", "param", "code");
        assertThat(error.path("message").asString()).contains("URL is malformed");
        assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").isNull()).isTrue();
        assertThat(error.path("code").isNull()).isTrue();
        assertThat(upstream.getAllServeEvents()).isEmpty();
    }

    @Test
    void aMalformedUrlWithoutASaneRequestIdGetsANewOne() throws IOException {
        RawHttp.Response response = RawHttp.send(port, "GET", "/v1/models?%zz",
                List.of(new RawHttp.Header("x-request-id", "not sane")), null);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header("x-request-id")).startsWith("req_");
        assertThat(response.text()).startsWith("{\"error\":{");
    }

    @Test
    void aMalformedUrlInAHeadRequestGetsTheStatusAndHeadersWithoutABody() throws IOException {
        RawHttp.Response response = RawHttp.send(port, "HEAD", "/v1/models?%zz", List.of(), null);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header("content-type")).isEqualTo("application/json");
        assertThat(response.header("x-request-id")).isNotBlank();
    }

    @Test
    void aMalformedOriginIsABadRequestNotAServerError() {
        JsonNode error = expectError(web().get().uri("/v1/models").header("Origin", "http://a b"), 400);

        assertThat(error.path("message").asString()).contains("malformed URL");
    }

    @Test
    void everyResponseCarriesARequestId() {
        web().get().uri("/v1/models").exchange().expectHeader().exists("x-request-id").expectBody().returnResult();
        web().get().uri("/v1/nothing").exchange().expectHeader().exists("x-request-id").expectBody().returnResult();
        web().get().uri("/v1/models").header("x-request-id", "trace-42").exchange()
                .expectHeader().valueEquals("x-request-id", "trace-42").expectBody().returnResult();
    }

    private void answerProposers() {
        answer("p1", "One.", 1, 1);
        answer("p2", "Two.", 1, 1);
        answer("p3", "Three.", 1, 1);
    }

    private static String mixtureRequest(boolean stream) {
        return "{\"model\":\"duo\",\"stream\":" + stream + ",\"messages\":" + HELLO + "}";
    }

    private WebTestClient.RequestHeadersSpec<?> chat(String body) {
        return web().post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON).bodyValue(body);
    }

    /** The error object, after checking the status, the content type and that nothing internal leaked. */
    private JsonNode expectError(WebTestClient.RequestHeadersSpec<?> request, int status) {
        EntityExchangeResult<byte[]> result = request.exchange()
                .expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody().returnResult();
        return errorOf(result);
    }

    private JsonNode errorOf(EntityExchangeResult<byte[]> result) {
        String body = new String(result.getResponseBodyContent());
        assertThat(body).doesNotContain("Exception").doesNotContain("dev.moagateway").doesNotContain("\tat ");
        JsonNode root = json.readTree(body);
        assertThat(root.propertyNames()).containsExactly("error");
        JsonNode error = root.path("error");
        assertThat(error.propertyNames()).containsExactlyInAnyOrder("message", "type", "param", "code");
        assertThat(error.path("message").asString()).isNotBlank();
        assertThat(error.path("type").asString()).isNotBlank();
        return error;
    }

}
