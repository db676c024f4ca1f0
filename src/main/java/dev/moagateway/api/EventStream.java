package dev.moagateway.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import dev.moagateway.observability.RequestScope;
import dev.moagateway.openai.ErrorResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes server-sent events as they come. Reactor Netty flushes once it has written all it was given: the events
 * one upstream read brought leave in one write, and none waits for another. A chat-completions stream always
 * ends with {@code data: [DONE]}. A failure before anything was written propagates, so the client gets a real
 * HTTP status; after that, it becomes the protocol's in-band failure (for chat completions a
 * {@code data: {"error": ...}} event, then {@code [DONE]}), so SDKs raise instead of showing a truncated answer
 * as complete.
 */
final class EventStream {

    private static final Logger log = LoggerFactory.getLogger(EventStream.class);

    static final String DONE = "data: [DONE]\n\n";
    /** A comment line: every SSE client ignores it, and it keeps proxies and clients from timing out. */
    static final String KEEP_ALIVE = ": keep-alive\n\n";

    private final JsonMapper json;
    private final Duration keepAliveInterval;

    EventStream(JsonMapper json, Duration keepAliveInterval) {
        this.json = json;
        this.keepAliveInterval = keepAliveInterval;
    }

    /** Chunks' JSON as written, one {@code data:} event each. */
    Mono<ServerResponse> relay(Flux<String> chunks, RequestScope scope) {
        return respond(chunks.map(EventStream::event), scope);
    }

    /** Events already framed; a string may hold several, written together. A failure is {@code scope}'s. */
    Mono<ServerResponse> respond(Flux<String> events, RequestScope scope) {
        return respond(events, scope, chatFormat());
    }

    /** As {@link #respond(Flux, RequestScope)}, in another protocol's {@code format}. */
    Mono<ServerResponse> respond(Flux<String> events, RequestScope scope, StreamFormat format) {
        Flux<String> frames = frames(events, scope, format);
        return ServerResponse.ok()
                .contentType(MediaType.TEXT_EVENT_STREAM)
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no")
                .body((message, context) -> message.writeWith(frames
                        .map(frame -> message.bufferFactory().wrap(frame.getBytes(StandardCharsets.UTF_8)))));
    }

    /**
     * The frames to write: the events, then {@code [DONE]}; keep-alive comments at the configured interval until
     * the first event, for the time the proposers work.
     */
    Flux<String> frames(Flux<String> events, RequestScope scope) {
        return frames(events, scope, chatFormat());
    }

    private Flux<String> frames(Flux<String> events, RequestScope scope, StreamFormat format) {
        return Flux.defer(() -> {
            AtomicBoolean written = new AtomicBoolean();
            // Not publish(): sharing the events would queue every chunk; a sink costs one check per chunk.
            Sinks.One<Boolean> started = Sinks.one();
            Flux<String> ended = format.last().isEmpty() ? events : events.concatWith(Mono.just(format.last()));
            Flux<String> relayed = ended.doOnNext(frame -> started.tryEmitValue(true))
                    .doFinally(signal -> started.tryEmitValue(true));
            // Errors wait for the frames already queued: a failure right after the finish chunk must not drop it.
            Flux<String> keepAlives = keepAlives(format.keepAlive()).takeUntilOther(started.asMono());
            return Flux.mergeDelayError(Queues.XS_BUFFER_SIZE, relayed, keepAlives)
                    .doOnNext(frame -> written.set(true))
                    .onErrorResume(failure -> written.get(), failure -> format.last().isEmpty()
                            ? Flux.just(failed(failure, scope, format))
                            : Flux.just(failed(failure, scope, format), format.last()));
        });
    }

    /** Chat completions' format: {@code [DONE]} last, after an error event when the stream failed. */
    private StreamFormat chatFormat() {
        return new StreamFormat(KEEP_ALIVE, DONE, error -> event(json.writeValueAsString(new ErrorResponse(
                error.detail()))));
    }

    private Flux<String> keepAlives(String keepAlive) {
        return Flux.interval(keepAliveInterval).map(tick -> keepAlive);
    }

    static String event(String chunk) {
        return "data: " + chunk + "\n\n";
    }

    private static String failed(Throwable failure, RequestScope scope, StreamFormat format) {
        scope.failed(failure);
        scope.log(() -> log.warn("Stream failed after it started: {}", failure.toString()));
        return format.failure().apply(ApiErrors.toApi(failure));
    }

    /**
     * What a protocol's stream writes besides its events: {@code keepAlive} while it has nothing to send yet,
     * {@code failure}'s frames when it fails after it started, and {@code last} at its end either way (empty for
     * nothing).
     */
    record StreamFormat(String keepAlive, String last, Function<ApiException, String> failure) {
    }
}
