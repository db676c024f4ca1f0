package dev.moagateway.observability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.moagateway.testing.GatewayTest;
import dev.moagateway.testing.UpstreamBodies;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;

/**
 * What an operator sees of requests through WireMock upstreams: the scraped metrics, the spans, the log lines.
 * Every figure is a difference between two scrapes, so what other tests did does not count.
 */
@TestPropertySource(properties = {
        "management.tracing.sampling.probability=1.0",
        "management.opentelemetry.tracing.export.schedule-delay=10ms",
        "moa.telemetry.max-model-series=5",
        "moa.providers.fake.models[0].id=agg",
        "moa.providers.fake.models[0].price.input=2.0",
        "moa.providers.fake.models[0].price.output=4.0",
        "moa.providers.fake.models[1].id=p1",
        "moa.providers.fake.models[1].price.input=1.0",
        "moa.providers.fake.models[1].price.output=1.0"})
@Import(ObservabilityTest.Spans.class)
class ObservabilityTest extends GatewayTest {

    private static final String DURATION = "gen_ai_client_operation_duration_seconds_count";
    private static final String TOKENS = "gen_ai_client_token_usage_sum";
    private static final String REQUESTS = "gen_ai_server_request_duration_seconds_count";
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(?!\\s*\\()");
    private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "and", "or", "unless", "offset", "bool");

    @Autowired
    private InMemorySpanExporter spans;

    @TestConfiguration
    static class Spans {

        @Bean
        InMemorySpanExporter inMemorySpanExporter() {
            return InMemorySpanExporter.create();
        }
    }

    @BeforeEach
    void clearSpans() {
        spans.reset();
    }

    @ParameterizedTest(name = "stream: {0}")
    @ValueSource(booleans = {false, true})
    void aMixturesCallsAreCountedByModelRoleAndOutcomeWithTheTokensAndCostTheUpstreamReported(boolean stream) {
        duoUpstreams();
        Scrape before = scrape();

        chat("duo", stream, null, null);

        String streamed = Boolean.toString(stream);
        Scrape after = awaitScrape(scrape -> delta(before, scrape, REQUESTS, "gen_ai_request_model", "duo",
                "moa_stream", streamed, "outcome", "answered") == 1);
        for (String model : List.of("p1", "p2")) {
            assertThat(delta(before, after, DURATION, "gen_ai_request_model", model, "moa_role", "proposer",
                    "moa_mixture", "duo", "moa_layer", "1", "gen_ai_provider_name", "fake", "error_type", "none"))
                    .as(model).isEqualTo(1);
            assertThat(delta(before, after, "moa_proposals_total", "gen_ai_request_model", model, "moa_mixture", "duo",
                    "outcome", "answered")).as(model).isEqualTo(1);
            assertThat(delta(before, after, "gen_ai_client_operation_time_to_first_chunk_seconds_count",
                    "gen_ai_request_model", model)).as(model).isEqualTo(1);
        }
        assertThat(delta(before, after, DURATION, "gen_ai_request_model", "p3", "error_type", "rejected")).isEqualTo(1);
        assertThat(delta(before, after, DURATION, "gen_ai_request_model", "p3", "error_type", "none")).isZero();
        assertThat(delta(before, after, "moa_proposals_total", "gen_ai_request_model", "p3", "outcome", "rejected"))
                .isEqualTo(1);
        assertThat(delta(before, after, DURATION, "gen_ai_request_model", "agg", "moa_role", "aggregator",
                "moa_layer", "2", "error_type", "none")).isEqualTo(1);
        assertThat(delta(before, after, DURATION, "moa_mixture", "duo")).isEqualTo(4);

        assertTokens(before, after, "p1", 10, 5);
        assertTokens(before, after, "p2", 11, 6);
        assertTokens(before, after, "p3", 0, 0);
        assertTokens(before, after, "agg", 100, 7);
        assertThat(delta(before, after, "moa_cost_usd_total", "gen_ai_request_model", "agg"))
                .isCloseTo((100 * 2.0 + 7 * 4.0) / 1e6, offset(1e-12));
        assertThat(delta(before, after, "moa_cost_usd_total", "gen_ai_request_model", "p1"))
                .isCloseTo((10 + 5) / 1e6, offset(1e-12));
        assertThat(after.named("moa_cost_usd_total")).noneMatch(series -> series.labels().containsValue("p2"));
        assertThat(delta(before, after, "moa_layer_duration_seconds_count", "moa_mixture", "duo", "moa_layer", "1"))
                .isEqualTo(1);
        assertThat(delta(before, after, "gen_ai_server_time_to_first_token_seconds_count",
                "gen_ai_request_model", "duo")).isEqualTo(stream ? 1 : 0);
    }

    @ParameterizedTest(name = "stream: {0}")
    @ValueSource(booleans = {false, true})
    void aPassthroughCallIsCountedAsOneWithItsTokens(boolean stream) {
        answer("p1", "Alpha says water is wet.", 10, 5);
        Scrape before = scrape();

        chat("fake/p1", stream, null, null);

        Scrape after = awaitScrape(scrape -> delta(before, scrape, REQUESTS, "gen_ai_request_model", "fake/p1",
                "moa_stream", Boolean.toString(stream), "outcome", "answered") == 1);
        assertThat(delta(before, after, DURATION, "gen_ai_request_model", "p1", "moa_role", "passthrough",
                "moa_mixture", "none", "moa_layer", "none", "error_type", "none")).isEqualTo(1);
        assertThat(delta(before, after, DURATION, "gen_ai_request_model", "p1")).isEqualTo(1);
        assertTokens(before, after, "p1", 10, 5);
    }

    @Test
    void aRefusedRequestIsCountedWithWhyItWasRefused() {
        Scrape before = scrape();

        anonymous().post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body("duo", false)).exchange().expectStatus().isUnauthorized()
                .expectBody().returnResult();
        web().post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":").exchange().expectStatus().isBadRequest()
                .expectBody().returnResult();

        awaitScrape(scrape -> delta(before, scrape, REQUESTS, "gen_ai_request_model", "unknown",
                "outcome", "unauthorized") == 1 && delta(before, scrape, REQUESTS, "gen_ai_request_model", "unknown",
                "outcome", "invalid_request") == 1);
    }

    @Test
    void aMixturesSpansContinueTheCallersTraceAndCarryTheGenAiAttributes() {
        duoUpstreams();
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String callerSpan = "00f067aa0ba902b7";

        chat("duo", false, "obs-spans-1", "00-" + traceId + "-" + callerSpan + "-01");

        await().atMost(Duration.ofSeconds(5)).until(() -> trace(traceId).stream()
                .anyMatch(span -> span.getKind() == SpanKind.SERVER));
        List<SpanData> trace = trace(traceId);
        SpanData server = span(trace, "POST /v1/chat/completions");
        assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(server.getParentSpanId()).isEqualTo(callerSpan);
        assertThat(server.getAttributes().get(AttributeKey.stringKey("moa.request_id"))).isEqualTo("obs-spans-1");
        SpanData run = span(trace, "invoke_workflow duo");
        assertThat(run.getParentSpanId()).isEqualTo(server.getSpanId());
        SpanData layer = span(trace, "layer 1");
        assertThat(layer.getParentSpanId()).isEqualTo(run.getSpanId());
        for (String model : List.of("p1", "p2", "p3")) {
            assertThat(span(trace, "chat " + model).getParentSpanId()).as(model).isEqualTo(layer.getSpanId());
        }
        SpanData aggregator = span(trace, "chat agg");
        assertThat(aggregator.getParentSpanId()).isEqualTo(run.getSpanId());

        SpanData p1 = span(trace, "chat p1");
        assertThat(p1.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(p1.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name"))).isEqualTo("chat");
        assertThat(p1.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("fake");
        assertThat(p1.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo("p1");
        assertThat(p1.getAttributes().get(AttributeKey.stringKey("gen_ai.response.model"))).isEqualTo("p1");
        assertThat(p1.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isEqualTo(10);
        assertThat(p1.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isEqualTo(5);
        assertThat(p1.getAttributes().get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons")))
                .containsExactly("stop");
        assertThat(p1.getAttributes().get(AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk")))
                .isPositive();
        assertThat(p1.getAttributes().get(AttributeKey.stringKey("error.type"))).isNull();
        SpanData p3 = span(trace, "chat p3");
        assertThat(p3.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("rejected");
        assertThat(p3.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(trace).allSatisfy(span -> assertThat(span.getEvents()).as("content is opt-in")
                .noneMatch(event -> event.getName().equals("gen_ai.client.inference.operation.details")));

        LoggedRequest sent = loggedRequestsFor("p1").get(0);
        assertThat(sent.getHeader("traceparent")).startsWith("00-" + traceId + "-" + p1.getSpanId() + "-");
        assertThat(sent.getHeader("x-request-id")).isEqualTo("obs-spans-1");
    }

    @Test
    void aFloodOfClientChosenModelsAddsNoMoreSeriesThanTheCap() {
        Scrape before = scrape();
        int flood = 12;

        for (int i = 0; i < flood; i++) {
            web().post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body("fake/flood-" + i, false)).exchange().expectBody().returnResult();
        }

        Scrape after = awaitScrape(scrape -> delta(before, scrape, DURATION, "moa_role", "passthrough") >= flood);
        long requested = models(after, REQUESTS).stream().filter(model -> model.startsWith("fake/flood-")).count();
        long called = models(after, DURATION).stream().filter(model -> model.startsWith("flood-")).count();
        assertThat(requested).isPositive().isLessThanOrEqualTo(5).isEqualTo(called);
        assertThat(delta(before, after, REQUESTS, "gen_ai_request_model", "other")).isEqualTo(flood - requested);
        assertThat(delta(before, after, DURATION, "gen_ai_request_model", "other", "moa_role", "passthrough"))
                .isEqualTo(flood - called);
    }

    private static Set<String> models(Scrape scrape, String metric) {
        Set<String> models = new TreeSet<>();
        scrape.named(metric).forEach(series -> models.add(series.labels().get("gen_ai_request_model")));
        return models;
    }

    @Test
    void everyLineAStreamedRequestLogsCarriesItsIdAndTraceAndNoPrompt() {
        duoUpstreams();
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        Logger gateway = (Logger) LoggerFactory.getLogger("dev.moagateway");
        Logger accessLog = (Logger) LoggerFactory.getLogger("dev.moagateway.access");
        lines.start();
        gateway.addAppender(lines);
        // The access log has an appender of its own, which the gateway's lines do not reach.
        accessLog.addAppender(lines);
        try {
            chat("duo", true, "obs-log-1", null);
            await().atMost(Duration.ofSeconds(5)).until(() -> List.copyOf(lines.list).stream()
                    .anyMatch(line -> line.getLoggerName().equals("dev.moagateway.access")));
        }
        finally {
            gateway.detachAppender(lines);
            accessLog.detachAppender(lines);
        }
        List<ILoggingEvent> logged = List.copyOf(lines.list);
        assertThat(logged).anyMatch(line -> line.getFormattedMessage().startsWith("Proposer dropped: fake/p3"));
        assertThat(logged).allSatisfy(line -> {
            assertThat(line.getMDCPropertyMap()).containsEntry(RequestScope.REQUEST_ID, "obs-log-1");
            assertThat(line.getMDCPropertyMap().get(RequestScope.TRACE_ID)).hasSize(32);
            assertThat(line.getFormattedMessage()).doesNotContain("the secret prompt");
        });
        ILoggingEvent access = logged.stream().filter(line -> line.getLoggerName().equals("dev.moagateway.access"))
                .findFirst().orElseThrow();
        assertThat(access.getFormattedMessage()).startsWith("POST /v1/chat/completions model=duo stream=true status=200 ")
                .contains(" input_tokens=" + (10 + 11 + 100) + " output_tokens=" + (5 + 6 + 7) + " ")
                .contains(" cost_usd=0.000243 ")
                .endsWith(" outcome=answered");
    }

    @Test
    void everyMetricTheDashboardQueriesIsOnALiveScrape() throws IOException {
        duoUpstreams();
        chat("duo", true, null, null);
        retryOnce("flaky");
        chat("fake/flaky", false, null, null);
        leaveAStream();

        Set<String> queried = dashboardMetrics(Path.of("deploy/grafana/dashboards/moa-gateway.json"));

        assertThat(queried).hasSizeGreaterThan(10).contains("moa_cost_usd_total", "moa_upstream_retries_total",
                "moa_cancellations_total", "reactor_netty_connection_provider_active_connections");
        Scrape scrape = awaitScrape(live -> live.sum("moa_cancellations_total") > 0);
        assertThat(queried).allSatisfy(metric -> assertThat(scrape.has(metric)).as(metric).isTrue());
    }

    private void retryOnce(String model) {
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).inScenario(model)
                .whenScenarioStateIs(Scenario.STARTED)
                .withRequestBody(matchingJsonPath("$.model", equalTo(model)))
                .willReturn(aResponse().withStatus(503))
                .willSetStateTo("recovered"));
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).inScenario(model)
                .whenScenarioStateIs("recovered")
                .withRequestBody(matchingJsonPath("$.model", equalTo(model)))
                .willReturn(okJson(UpstreamBodies.completion(model, "Recovered.", 3, 1))));
    }

    private void leaveAStream() {
        Disposable call = WebClient.builder().baseUrl(baseUrl()).defaultHeader("Authorization", "Bearer " + API_KEY)
                .build().post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body("scripted/hang-solo", true)).retrieve().bodyToFlux(String.class).subscribe();
        await().atMost(Duration.ofSeconds(5)).until(() -> scripted.active() == 1);
        call.dispose();
        await().atMost(Duration.ofSeconds(5)).until(() -> scripted.active() == 0);
    }

    /** The metric names in the dashboard's queries: label matchers, ranges, groupings and functions left out. */
    private Set<String> dashboardMetrics(Path dashboard) throws IOException {
        JsonNode root = json.readTree(Files.readString(dashboard));
        List<String> queries = new ArrayList<>();
        collectQueries(root, queries);
        Set<String> metrics = new TreeSet<>();
        for (String query : queries) {
            String bare = query.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "")
                    .replaceAll("\\{[^}]*}", " ")
                    .replaceAll("\\[[^]]*]", " ")
                    .replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", " ")
                    .replaceAll("label_values\\(([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,[^)]*\\)", " $1 ")
                    .replaceAll("\\$[a-zA-Z_]+", " ");
            Matcher identifier = IDENTIFIER.matcher(bare);
            while (identifier.find()) {
                String word = identifier.group();
                boolean wholeWord = identifier.end() == bare.length() || !Character.isLetterOrDigit(
                        bare.charAt(identifier.end())) && bare.charAt(identifier.end()) != '_';
                if (wholeWord && !PROMQL_WORDS.contains(word) && word.contains("_")) {
                    metrics.add(word);
                }
            }
        }
        return metrics;
    }

    private static void collectQueries(JsonNode node, List<String> queries) {
        node.properties().forEach(field -> {
            if ((field.getKey().equals("expr") || field.getKey().equals("query")) && field.getValue().isString()) {
                queries.add(field.getValue().asString());
            }
        });
        node.forEach(child -> collectQueries(child, queries));
    }

    private void assertTokens(Scrape before, Scrape after, String model, long input, long output) {
        assertThat(delta(before, after, TOKENS, "gen_ai_request_model", model, "gen_ai_token_type", "input"))
                .as(model + " input").isEqualTo(input);
        assertThat(delta(before, after, TOKENS, "gen_ai_request_model", model, "gen_ai_token_type", "output"))
                .as(model + " output").isEqualTo(output);
    }

    private List<SpanData> trace(String traceId) {
        return spans.getFinishedSpanItems().stream().filter(span -> span.getTraceId().equals(traceId)).toList();
    }

    private static SpanData span(List<SpanData> trace, String name) {
        List<SpanData> named = trace.stream().filter(span -> span.getName().equals(name)).toList();
        assertThat(named).as(name).hasSize(1);
        return named.get(0);
    }

    private void chat(String model, boolean stream, String requestId, String traceparent) {
        web().post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .headers(headers -> {
                    if (requestId != null) {
                        headers.set("x-request-id", requestId);
                    }
                    if (traceparent != null) {
                        headers.set("traceparent", traceparent);
                    }
                })
                .bodyValue(body(model, stream))
                .exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult();
    }

    private static String body(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"the secret prompt\"}]}";
    }

    private Scrape scrape() {
        return Scrape.parse(anonymous().get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody());
    }

    /** A scrape once it shows what the request's end records: that comes just after its last byte. */
    private Scrape awaitScrape(Predicate<Scrape> ready) {
        List<Scrape> last = new ArrayList<>(List.of(scrape()));
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            last.set(0, scrape());
            return ready.test(last.get(0));
        });
        return last.get(0);
    }

    private static double delta(Scrape before, Scrape after, String name, String... labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }
}
