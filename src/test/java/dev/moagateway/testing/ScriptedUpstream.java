package dev.moagateway.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Reactor Netty upstream for what WireMock cannot script: timing, and connections that stay open. It
 * behaves by the model's name prefix and counts the requests it is serving and those whose caller left.
 * <ul>
 * <li>{@code hang...}: accepts the request and never answers.</li>
 * <li>{@code trickle...}: streams a token every 100 ms, 300 of them.</li>
 * <li>{@code slow...}: answers after 300 ms.</li>
 * <li>{@code quick...}: answers at once; a stream has 20 tokens 2 ms apart.</li>
 * <li>Answers read "{@code <model> answers.}"; a stream's first token says so, the others are " t1", " t2"...</li>
 * <li>a {@link Fault}'s name: fails that way.</li>
 * </ul>
 */
public final class ScriptedUpstream {

    private final JsonMapper json = JsonMapper.builder().build();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger abandoned = new AtomicInteger();
    private final AtomicInteger mostActive = new AtomicInteger();
    private final Queue<String> models = new ConcurrentLinkedQueue<>();
    private final Map<String, String> lastRequests = new ConcurrentHashMap<>();
    private final DisposableServer server;

    public ScriptedUpstream() {
        // Loops of its own: a gateway context that closes disposes the shared ones, and this server outlives contexts.
        this.server = HttpServer.create()
                .runOn(LoopResources.create("scripted", 1, true))
                .port(0)
                .handle((request, response) -> serve(request, response)
                        .doOnSubscribe(subscription -> mostActive.accumulateAndGet(active.incrementAndGet(), Math::max))
                        .doFinally(signal -> {
                            active.decrementAndGet();
                            // A caller that leaves cancels a pending answer (a stream counts in sse()).
                            if (signal == SignalType.CANCEL) {
                                abandoned.incrementAndGet();
                            }
                        }))
                .bindNow();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/v1";
    }

    /** The same server under another host name, which the gateway pools apart from {@link #baseUrl()}. */
    public String localhostUrl() {
        return "http://localhost:" + server.port() + "/v1";
    }

    /** Requests being served now. */
    public int active() {
        return active.get();
    }

    /** Requests whose caller went away before they were answered. */
    public int abandoned() {
        return abandoned.get();
    }

    /** The most requests served at once since the last reset. */
    public int mostActive() {
        return mostActive.get();
    }

    public List<String> models() {
        return List.copyOf(models);
    }

    /** The body of the last request for {@code model}, or an empty string. */
    public String lastRequestFor(String model) {
        return lastRequests.getOrDefault(model, "");
    }

    public void reset() {
        models.clear();
        lastRequests.clear();
        mostActive.set(active.get());
    }

    private Mono<Void> serve(HttpServerRequest request, HttpServerResponse response) {
        return request.receive().aggregate().asString().flatMap(body -> {
            JsonNode call = json.readTree(body);
            String model = call.path("model").asString();
            boolean stream = call.path("stream").asBoolean(false);
            models.add(model);
            lastRequests.put(model, body);
            Fault fault = Fault.named(model);
            if (fault != null) {
                return fault.serve(response, model, stream);
            }
            if (model.startsWith("hang")) {
                return Mono.never();
            }
            if (model.startsWith("trickle")) {
                return sse(response, model, 300, Duration.ofMillis(100));
            }
            Mono<Void> answer = response.status(HttpResponseStatus.OK)
                    .header("Content-Type", "application/json")
                    .sendString(Mono.just(UpstreamBodies.completion(model, model + " answers.", 10, 3)))
                    .then();
            Mono<Void> reply = stream ? sse(response, model, 20, Duration.ofMillis(2)) : answer;
            return model.startsWith("slow") ? Mono.delay(Duration.ofMillis(300)).then(reply) : reply;
        });
    }

    private Mono<Void> sse(HttpServerResponse response, String model, int tokens, Duration gap) {
        Flux<String> events = Flux.concat(
                Mono.just(UpstreamBodies.event(UpstreamBodies.chunk(model, "{\"role\":\"assistant\",\"content\":\"\"}", null))),
                Flux.fromStream(IntStream.range(0, tokens).boxed())
                        .delayElements(gap)
                        .map(i -> UpstreamBodies.event(UpstreamBodies.chunk(model, "{\"content\":\""
                                + (i == 0 ? model + " answers." : " t" + i) + "\"}", null))),
                Flux.just(UpstreamBodies.event(UpstreamBodies.chunk(model, "{}", "\"stop\"")),
                        UpstreamBodies.event(UpstreamBodies.usageChunk(model, 10, tokens)),
                        "data: [DONE]\n\n"))
                .doOnCancel(abandoned::incrementAndGet);
        return response.status(HttpResponseStatus.OK)
                .header("Content-Type", "text/event-stream")
                .sendString(events, StandardCharsets.UTF_8)
                .then();
    }
}
