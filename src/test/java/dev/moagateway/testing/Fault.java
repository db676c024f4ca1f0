package dev.moagateway.testing;

import java.time.Duration;
import java.util.Arrays;

import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The ways an upstream fails, as {@link ScriptedUpstream} plays them for a model of the same name. A stream
 * that fails after its start has sent one good chunk first.
 */
public enum Fault {

    STATUS_500, STATUS_429, CONTEXT_OVERFLOW, NEVER_ANSWERS, HEADERS_THEN_SILENCE, DROPPED_MID_STREAM,
    MALFORMED_LINE, ERROR_EVENT, VERY_SLOW_TOKENS;

    private static final String FIRST_CHUNK = "{\"role\":\"assistant\",\"content\":\"Hal\"}";

    /** The model name that triggers this fault. */
    public String model() {
        return name().toLowerCase().replace('_', '-');
    }

    static Fault named(String model) {
        return Arrays.stream(values()).filter(fault -> fault.model().equals(model)).findFirst().orElse(null);
    }

    Mono<Void> serve(HttpServerResponse response, String model, boolean stream) {
        return switch (this) {
            case STATUS_500 -> json(response, HttpResponseStatus.INTERNAL_SERVER_ERROR, UpstreamBodies.error("boom", "server_error"));
            case STATUS_429 -> json(response.header("Retry-After", "1"), HttpResponseStatus.TOO_MANY_REQUESTS,
                    UpstreamBodies.error("Rate limit reached", "rate_limit_error"));
            case CONTEXT_OVERFLOW -> json(response, HttpResponseStatus.BAD_REQUEST,
                    UpstreamBodies.error("This model's maximum context length is 4096 tokens", "invalid_request_error"));
            case NEVER_ANSWERS -> Mono.never();
            case HEADERS_THEN_SILENCE -> response.status(HttpResponseStatus.OK)
                    .header("Content-Type", stream ? "text/event-stream" : "application/json")
                    .sendHeaders()
                    .then()
                    .then(Mono.never());
            case DROPPED_MID_STREAM -> body(response, stream, Flux.just(firstEvent(model)), "{\"id\":\"x\",\"choi")
                    .then(Mono.fromRunnable(() -> response.withConnection(Connection::dispose)));
            case MALFORMED_LINE -> body(response, stream, Flux.just(firstEvent(model), "data: {not json\n\n"), "{not json");
            case ERROR_EVENT -> body(response, stream,
                    Flux.just(firstEvent(model), UpstreamBodies.event(UpstreamBodies.error("model crashed", "server_error"))),
                    UpstreamBodies.error("model crashed", "server_error"));
            case VERY_SLOW_TOKENS -> stream
                    ? sse(response, Flux.concat(Mono.just(firstEvent(model)),
                            Mono.just(UpstreamBodies.event(UpstreamBodies.chunk(model, "{\"content\":\"f\"}", null)))
                                    .delayElement(Duration.ofSeconds(10))))
                    : Mono.delay(Duration.ofSeconds(10)).then(json(response, HttpResponseStatus.OK,
                            UpstreamBodies.completion(model, "Late.", 1, 1)));
        };
    }

    private static String firstEvent(String model) {
        return UpstreamBodies.event(UpstreamBodies.chunk(model, FIRST_CHUNK, null));
    }

    private static Mono<Void> body(HttpServerResponse response, boolean stream, Flux<String> events, String json) {
        return stream ? sse(response, events) : response.status(HttpResponseStatus.OK)
                .header("Content-Type", "application/json")
                .sendString(Mono.just(json))
                .then();
    }

    private static Mono<Void> sse(HttpServerResponse response, Flux<String> events) {
        return response.status(HttpResponseStatus.OK).header("Content-Type", "text/event-stream").sendString(events).then();
    }

    private static Mono<Void> json(HttpServerResponse response, HttpResponseStatus status, String body) {
        return response.status(status).header("Content-Type", "application/json").sendString(Mono.just(body)).then();
    }
}
