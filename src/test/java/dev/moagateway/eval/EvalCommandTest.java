package dev.moagateway.eval;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.moagateway.MoaGatewayApplication;
import dev.moagateway.testing.UpstreamBodies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The eval command end to end, through the gateway's engine, over WireMock upstreams whose judges are scripted,
 * and over the demo provider.
 */
class EvalCommandTest {

    private static final String PATH = "/v1/chat/completions";
    private static final WireMockServer upstream = start();

    private final JsonMapper json = JsonMapper.shared();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    private static WireMockServer start() {
        WireMockServer server = new WireMockServer(options().dynamicPort());
        server.start();
        return server;
    }

    @AfterAll
    static void stop() {
        upstream.stop();
    }

    @BeforeEach
    void answers() throws IOException {
        upstream.resetAll();
        stream("alpha", "Alpha answers the question.");
        stream("beta", "Beta answers the question better.");
        Files.writeString(dir.resolve("prompts.jsonl"), """
                {"id": "p1", "prompt": "First question?"}
                {"id": "p2", "prompt": "Second question?", "reference": "The answer."}
                not json
                {"id": "p3", "messages": [{"role": "user", "content": "Third question?"}]}
                """);
    }

    @Test
    void aJudgeThatPrefersTheFirstPositionYieldsOnlyTiesOnceTheOrderIsSwapped() throws IOException {
        stream("first-fan", "The first answer is better. [[A]]");

        assertThat(eval("--contestants", "up/alpha,up/beta", "--judge", "up/first-fan")).isZero();

        JsonNode beta = standing("up/beta");
        assertThat(beta.path("ties").asInt()).as(this::results).isEqualTo(3);
        assertThat(beta.path("wins").asInt() + beta.path("losses").asInt()).isZero();
        assertThat(beta.path("win_rate").asDouble()).isEqualTo(0.5);
        assertThat(upstream.findAll(postRequestedFor(urlEqualTo(PATH))
                .withRequestBody(matchingJsonPath("$.model", equalTo("first-fan"))))).hasSize(6)
                .allSatisfy(request -> assertThat(json.readTree(request.getBodyAsString()).path("temperature")
                        .asDouble()).isZero());
        assertThat(err.toString()).contains("line 3: not a JSON object (left out)");
    }

    @Test
    void aJudgeThatPrefersOneContestantGivesItEveryWinWithATightInterval() throws IOException {
        judgePreferring("beta-fan", "Beta answers");

        eval("--contestants", "up/alpha,up/beta", "--judge", "up/beta-fan");

        JsonNode summary = summary();
        assertThat(summary.path("baseline").asString()).isEqualTo("up/alpha");
        assertThat(summary.path("prompts").asInt()).isEqualTo(3);
        JsonNode beta = standing("up/beta");
        assertThat(beta.path("win_rate").asDouble()).as(this::results).isEqualTo(1.0);
        assertThat(beta.path("wins").asInt()).isEqualTo(3);
        assertThat(beta.path("ci_low").asDouble()).isBetween(0.0, 1.0);
        assertThat(beta.path("ci_high").asDouble()).isEqualTo(1.0);
        assertThat(beta.path("latency_ms_mean").isNumber()).isTrue();
        assertThat(beta.path("tokens").asLong()).isEqualTo(3 * (7 + 5));
        assertThat(standing("up/alpha").path("baseline").asBoolean()).isTrue();
        assertThat(Files.readString(dir.resolve("out/report.html"))).contains("up/alpha", "up/beta");
    }

    @Test
    void aRerunDoesOnlyWhatIsMissing() throws IOException {
        judgePreferring("beta-fan", "Beta answers");
        eval("--contestants", "up/alpha,up/beta", "--judge", "up/beta-fan");
        int calls = 3 * 2 + 3 * 2;
        awaitCalls(calls);

        eval("--contestants", "up/alpha,up/beta", "--judge", "up/beta-fan");
        awaitCalls(calls);

        Path results = dir.resolve("out").resolve(Results.FILE);
        List<String> kept = new ArrayList<>();
        for (String line : Files.readAllLines(results)) {
            JsonNode record = json.readTree(line);
            boolean dropped = record.path("prompt").asString().equals("p2")
                    && (record.path("type").asString().equals("verdict") || record.path("contestant").asString()
                    .equals("up/beta"));
            if (!dropped) {
                kept.add(line);
            }
        }
        Files.write(results, kept);
        eval("--contestants", "up/alpha,up/beta", "--judge", "up/beta-fan");

        awaitCalls(calls + 1 + 2);
        assertThat(standing("up/beta").path("wins").asInt()).isEqualTo(3);
    }

    /** WireMock notes a call just after answering it: the count settles a moment after the run. */
    private static void awaitCalls(int calls) {
        await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5))
                .until(() -> upstream.getAllServeEvents().size() == calls);
    }

    @Test
    void aContestantThatFailsIsRecordedAndLosesWithoutStoppingTheRun() throws IOException {
        upstream.stubFor(post(urlEqualTo(PATH)).withRequestBody(matchingJsonPath("$.model", equalTo("broken")))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody(UpstreamBodies.error("no such model", "invalid_request_error"))));
        judgePreferring("beta-fan", "Beta answers");

        assertThat(eval("--contestants", "up/alpha,up/broken,up/beta", "--judge", "up/beta-fan")).isZero();

        JsonNode broken = standing("up/broken");
        assertThat(broken.path("failed").asInt()).isEqualTo(3);
        assertThat(broken.path("losses").asInt()).isEqualTo(3);
        assertThat(broken.path("win_rate").asDouble()).isZero();
        assertThat(Files.readString(dir.resolve("out").resolve(Results.FILE))).contains("no such model");
        assertThat(standing("up/beta").path("wins").asInt()).isEqualTo(3);
    }

    @Test
    void aMixtureAgainstItsMembersRunsOfflineOnTheDemoWithASimulatedJudge() throws IOException {
        assertThat(eval("--mixture", "mix", "--judge", "demo/judge")).isZero();

        JsonNode summary = summary();
        assertThat(summary.path("simulated_judge").asBoolean()).isTrue();
        assertThat(summary.path("baseline").asString()).isEqualTo("demo/atlas");
        List<String> ids = new ArrayList<>();
        summary.path("contestants").forEach(standing -> ids.add(standing.path("id").asString()));
        assertThat(ids).containsExactly("mix", "demo/atlas", "demo/birch", "demo/sage");
        assertThat(standing("mix").path("win_rate").asDouble()).as("the demo's synthesis is the fuller answer")
                .isEqualTo(1.0);
        assertThat(out.toString()).contains("The judge is simulated");
        assertThat(Files.readString(dir.resolve("out/report.html"))).contains("Simulated judge");
    }

    @Test
    void badOptionsAndUnknownModelsAreToldWithoutAStackTrace() {
        assertThat(eval("--contestants", "up/alpha", "--prompts", dir.resolve("prompts.jsonl").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--judge is required").contains("Usage:");

        err.reset();
        assertThat(eval("--contestants", "up/alpha,nowhere/x", "--judge", "up/alpha")).isEqualTo(1);
        assertThat(err.toString()).contains("'nowhere/x' is neither a configured mixture").doesNotContain("\tat ");
    }

    private int eval(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--prompts") && all.contains("--judge")) {
            all.addAll(List.of("--prompts", dir.resolve("prompts.jsonl").toString()));
        }
        all.addAll(List.of("--out", dir.resolve("out").toString(),
                "--spring.config.location=classpath:/",
                // The test JVM's other tests read log lines at INFO: the eval's quieter default must not stick.
                "--logging.level.root=INFO", "--logging.level.dev.moagateway.access=INFO",
                "--moa.providers.up.base-url=" + upstream.baseUrl() + "/v1",
                "--moa.demo.speed=1000",
                "--moa.models.mix.layers[0].proposers[0].model=demo/atlas",
                "--moa.models.mix.layers[0].proposers[1].model=demo/birch",
                "--moa.models.mix.aggregator.model=demo/sage"));
        return new EvalCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).execute(MoaGatewayApplication.class,
                all.toArray(String[]::new));
    }

    /** What the run wrote, to tell why a figure is off. */
    private String results() {
        try {
            return Files.readString(dir.resolve("out").resolve(Results.FILE));
        }
        catch (IOException unreadable) {
            return "no results: " + unreadable;
        }
    }

    private JsonNode summary() throws IOException {
        return json.readTree(Files.readString(dir.resolve("out/summary.json")));
    }

    private JsonNode standing(String id) throws IOException {
        for (JsonNode standing : summary().path("contestants")) {
            if (standing.path("id").asString().equals(id)) {
                return standing;
            }
        }
        throw new AssertionError("no standing for " + id);
    }

    /** {@code model} streams {@code text}, with 7 prompt and 5 completion tokens. */
    private static void stream(String model, String text) {
        upstream.stubFor(post(urlEqualTo(PATH)).withRequestBody(matchingJsonPath("$.model", equalTo(model)))
                .willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                        .withBody(UpstreamBodies.stream(model, UpstreamBodies.tokens(text), 7, 5))));
    }

    /** A judge that gives the win to whichever answer starts with {@code opening}, in either position. */
    private static void judgePreferring(String judge, String opening) {
        stream(judge, "The second answer is better. [[B]]");
        upstream.stubFor(post(urlEqualTo(PATH)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.model", equalTo(judge)))
                .withRequestBody(containing("<answer_a>\\n" + opening))
                .willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
                        .withBody(UpstreamBodies.stream(judge, UpstreamBodies.tokens("The first answer is better. [[A]]"),
                                7, 5))));
    }
}
