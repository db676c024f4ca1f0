package dev.moagateway.testing;

import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * The gateway on a random port with the mixtures of {@code application-fake.yml}, over one WireMock upstream
 * shared by every test class (so they share one application context too). Stubs answer by model name.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // The user's application.yml in the working directory is not part of the tests' configuration.
        properties = "spring.config.location=classpath:/")
@ActiveProfiles("fake")
public abstract class GatewayTest {

    protected static final WireMockServer upstream = startUpstream();
    protected static final ScriptedUpstream scripted = new ScriptedUpstream();
    protected static final String API_KEY = "sk-test";
    private static final String PATH = "/v1/chat/completions";

    protected final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    protected int port;

    @DynamicPropertySource
    static void upstreamUrl(DynamicPropertyRegistry registry) {
        registry.add("fake.base-url", () -> upstream.baseUrl() + "/v1");
        registry.add("scripted.base-url", scripted::baseUrl);
        registry.add("scripted.localhost-url", scripted::localhostUrl);
    }

    private static WireMockServer startUpstream() {
        WireMockServer server = new WireMockServer(options().dynamicPort().containerThreads(64));
        server.start();
        return server;
    }

    @AfterEach
    void noBufferLeaked() throws InterruptedException {
        LeakRecorder.assertNoLeaks();
    }

    @BeforeEach
    void resetUpstream() {
        upstream.resetAll();
        scripted.reset();
    }

    protected String baseUrl() {
        return "http://localhost:" + port;
    }

    protected WebTestClient web() {
        return anonymous().mutate().defaultHeader("Authorization", "Bearer " + API_KEY).build();
    }

    /** A plain client without a key: the gateway never compresses, so no decompressing codec sits in the way. */
    protected WebTestClient anonymous() {
        return WebTestClient.bindToServer(new ReactorClientHttpConnector(HttpClient.create()))
                .baseUrl(baseUrl())
                .responseTimeout(Duration.ofSeconds(20))
                .build();
    }

    /** The official SDK, with its own retries off so each test sees the gateway's answer as it is. */
    protected OpenAIClient sdk() {
        return OpenAIOkHttpClient.builder()
                .baseUrl(baseUrl() + "/v1")
                .apiKey(API_KEY)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(20))
                .build();
    }

    /** The text of a stream's chunks, joined. */
    protected static String textOf(List<ChatCompletionChunk> chunks) {
        StringBuilder text = new StringBuilder();
        chunks.forEach(chunk -> chunk.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
        return text.toString();
    }

    /** Every chunk of a stream the SDK reads to its end. */
    protected List<ChatCompletionChunk> streamed(ChatCompletionCreateParams params) {
        try (StreamResponse<ChatCompletionChunk> stream =
                sdk().chat().completions().createStreaming(params)) {
            return stream.stream().toList();
        }
    }

    /** The mixture {@code duo}'s upstreams: two proposers answer, the third's context overflows. */
    protected static void duoUpstreams() {
        answer("p1", "Alpha says water is wet.", 10, 5);
        answer("p2", "Beta says water is H2O.", 11, 6);
        fail("p3", 400, UpstreamBodies.error("This model's maximum context length is 8 tokens", "invalid_request_error"));
        answer("agg", "Water is wet H2O.", 100, 7);
    }

    /** Answers {@code model} with {@code text}: as one completion, or streamed word by word. */
    protected static void answer(String model, String text, int promptTokens, int completionTokens) {
        upstream.stubFor(post(urlEqualTo(PATH))
                .withRequestBody(matchingJsonPath("$.model", equalTo(model)))
                .willReturn(okJson(UpstreamBodies.completion(model, text, promptTokens, completionTokens))));
        upstream.stubFor(post(urlEqualTo(PATH))
                .atPriority(1)
                .withRequestBody(matchingJsonPath("$.model", equalTo(model)))
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
                .willReturn(aResponse().withHeader("Content-Type", "text/event-stream").withBody(
                        UpstreamBodies.stream(model, UpstreamBodies.tokens(text), promptTokens, completionTokens))));
    }

    protected static void streamAnswer(String model, List<String> tokens, int promptTokens) {
        upstream.stubFor(post(urlEqualTo(PATH))
                .atPriority(1)
                .withRequestBody(matchingJsonPath("$.model", equalTo(model)))
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
                .willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                        .withBody(UpstreamBodies.stream(model, tokens, promptTokens))));
    }

    protected static void fail(String model, int status, String body) {
        respond(model, aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body));
    }

    /** Answers every request for {@code model}, streamed or not, with {@code response}. */
    protected static void respond(String model, ResponseDefinitionBuilder response) {
        upstream.stubFor(post(urlEqualTo(PATH))
                .atPriority(0)
                .withRequestBody(matchingJsonPath("$.model", equalTo(model)))
                .willReturn(response));
    }

    protected static ResponseDefinitionBuilder events(List<String> data) {
        return aResponse().withHeader("Content-Type", "text/event-stream").withBody(UpstreamBodies.events(data));
    }

    /** Every request the upstream got for {@code model}, as JSON, oldest first. */
    protected List<JsonNode> requestsFor(String model) {
        return upstream.findAll(postRequestedFor(urlEqualTo(PATH))
                        .withRequestBody(matchingJsonPath("$.model", equalTo(model))))
                .stream()
                .map(LoggedRequest::getBodyAsString)
                .map(json::readTree)
                .toList();
    }

    protected List<LoggedRequest> loggedRequestsFor(String model) {
        return upstream.findAll(postRequestedFor(urlEqualTo(PATH))
                .withRequestBody(matchingJsonPath("$.model", equalTo(model))));
    }

    protected JsonNode onlyRequestFor(String model) {
        List<JsonNode> requests = requestsFor(model);
        if (requests.size() != 1) {
            throw new AssertionError("expected one request for " + model + ", got " + requests.size());
        }
        return requests.get(0);
    }
}
