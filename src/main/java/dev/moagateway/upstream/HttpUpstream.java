package dev.moagateway.upstream;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.moagateway.openai.ChatCompletionRequest;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.ReadTimeoutHandler;
import org.springframework.core.io.buffer.DataBufferLimitException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An OpenAI-compatible provider reached over HTTP at {@code <base-url>/chat/completions}, on Reactor Netty's
 * client directly: a passthrough call costs one request encoding and nothing else on the way.
 */
public final class HttpUpstream implements Upstream {

    private static final String PATH = "/chat/completions";
    private static final String DONE = "[DONE]";
    private static final String NOT_A_COMPLETION = "sent a response that is not a completion";
    private static final String NOT_A_CHUNK = "sent an event that is not a chunk: ";
    /** More than any chat completion, or any one line of a stream; what is larger is refused, not buffered. */
    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private final String name;
    private final HttpClient completions;
    private final HttpClient streams;
    private final Timeouts timeouts;
    private final JsonMapper json;
    private final String apiKey;
    private final Prefill prefill;
    private final ToolMessages toolMessages;

    private HttpUpstream(String name, HttpClient client, ProviderSettings settings, JsonMapper json) {
        this.name = name;
        this.completions = client.headers(headers -> headers.set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON));
        this.streams = client.headers(headers -> headers.set(HttpHeaderNames.ACCEPT, HttpHeaderValues.TEXT_EVENT_STREAM))
                .responseTimeout(settings.timeouts().firstByte());
        this.timeouts = settings.timeouts();
        this.json = json;
        this.apiKey = settings.apiKey();
        this.prefill = settings.prefill();
        this.toolMessages = settings.toolMessages();
    }

    /**
     * A provider on the shared connection pool of {@code httpClient}, with its own connect timeout, base URL,
     * key and headers. The key is the provider's: nothing of the inbound request's headers is sent.
     */
    public static HttpUpstream create(String name, ProviderSettings settings, HttpClient httpClient, JsonMapper json) {
        HttpClient client = httpClient
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.timeouts().connect().toMillis())
                .baseUrl(settings.baseUrl())
                .headers(headers -> {
                    settings.headers().forEach(headers::set);
                    if (settings.apiKey() != null) {
                        headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + settings.apiKey());
                    }
                    headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
                });
        return new HttpUpstream(name, client, settings, json);
    }

    @Override
    public Prefill prefill() {
        return prefill;
    }

    @Override
    public ToolMessages toolMessages() {
        return toolMessages;
    }

    @Override
    public Mono<byte[]> complete(ChatCompletionRequest request, CallObserver observer) {
        String source = source(request);
        Mono<byte[]> attempt = post(request, false, observer)
                .response((response, body) -> isSuccess(response)
                        ? bounded(body)
                        : rejection(source, response, body).flatMap(Mono::<byte[]>error))
                .next()
                .switchIfEmpty(Mono.error(() -> UpstreamException.malformed(source, "sent an empty response")))
                .<byte[]>handle((body, sink) -> {
                    UpstreamException failure = check(source, body, observer);
                    if (failure != null) {
                        sink.error(failure);
                        return;
                    }
                    sink.next(body);
                })
                .onErrorMap(failure -> !(failure instanceof UpstreamException), failure -> classify(source, failure));
        return RetryPolicy.retrying(attempt, observer)
                .timeout(timeouts.total())
                .onErrorMap(TimeoutException.class, timeout -> UpstreamException.timeout(source, "answer",
                        timeouts.total()));
    }

    @Override
    public Flux<String> stream(ChatCompletionRequest request, CallObserver observer) {
        String source = source(request);
        return Flux.defer(() -> {
            AtomicBoolean received = new AtomicBoolean();
            Flux<String> attempt = post(request, true, observer)
                    .responseConnection((response, connection) -> isSuccess(response)
                            ? chunks(source, connection, received, observer)
                            : rejection(source, response, connection.inbound().receive()).flatMapMany(Flux::error))
                    .onErrorMap(ReadTimeoutException.class, timeout -> received.get()
                            ? UpstreamException.timeout(source, "next chunk", timeouts.idle())
                            : UpstreamException.timeout(source, "first chunk", timeouts.firstByte()))
                    .onErrorMap(failure -> !(failure instanceof UpstreamException),
                            failure -> classify(source, failure));
            return withinDeadline(source, RetryPolicy.retrying(attempt, received::get, observer));
        });
    }

    /**
     * The chunks of a 200 stream, as sent, up to {@code [DONE]}; a stream that stops before it finished is an
     * error. The body is read to its end rather than cancelled at {@code [DONE]}, so the connection goes back
     * to the pool.
     */
    private Flux<String> chunks(String source, Connection connection, AtomicBoolean received,
            CallObserver observer) {
        AtomicBoolean done = new AtomicBoolean();
        AtomicBoolean finished = new AtomicBoolean();
        ServerSentEvents events = new ServerSentEvents(MAX_BODY_BYTES);
        // Each buffer is read as it comes: Reactor Netty releases it right after, so it must never wait in a queue.
        return connection.inbound().receive().map(events::read)
                .concatMapIterable(data -> data)
                .concatWith(Flux.defer(() -> Flux.fromIterable(events.finish())))
                .filter(data -> !done.get())
                .<String>handle((data, sink) -> {
                    if (DONE.equals(data.strip())) {
                        done.set(true);
                        finished.set(true);
                        return;
                    }
                    JsonScan scan;
                    try {
                        scan = JsonScan.of(json.createParser(data));
                    }
                    catch (JacksonException ex) {
                        sink.error(UpstreamException.malformed(source, NOT_A_CHUNK + abbreviate(data)));
                        return;
                    }
                    if (scan.error()) {
                        sink.error(UpstreamException.malformed(source, "failed mid-stream: " + errorMessage(data)));
                        return;
                    }
                    finished.compareAndSet(false, scan.finishes());
                    if (!received.get()) {
                        received.set(true);
                        waitIdleFromNowOn(connection);
                    }
                    observe(scan, observer);
                    sink.next(data);
                })
                .concatWith(Mono.defer(() -> finished.get() ? Mono.empty()
                        : Mono.error(UpstreamException.malformed(source, "ended the stream before it finished"))));
    }

    /** Why a 200 answer cannot be passed on, or null when it can. */
    private UpstreamException check(String source, byte[] body, CallObserver observer) {
        try {
            JsonScan scan = JsonScan.of(json.createParser(body));
            if (!scan.error()) {
                observe(scan, observer);
                return null;
            }
        }
        catch (JacksonException ex) {
            return UpstreamException.malformed(source, NOT_A_COMPLETION);
        }
        String message = errorMessage(new String(body, StandardCharsets.UTF_8));
        return UpstreamException.malformed(source, "answered with an error: " + message);
    }

    private static void observe(JsonScan scan, CallObserver observer) {
        observer.received(scan.model(), scan.finishReason(), scan.inputTokens(), scan.outputTokens());
    }

    /**
     * Reactor Netty's read timeout, which it sets when the request has been sent, waits for the first byte; once
     * a chunk came, it waits for the next one. Replacing it cannot bring it back on a connection whose response
     * ended meanwhile and that went back to the pool: Netty refuses to replace a handler that is gone.
     */
    private void waitIdleFromNowOn(Connection connection) {
        if (timeouts.idle().equals(timeouts.firstByte())) {
            return;
        }
        ChannelPipeline pipeline = connection.channel().pipeline();
        try {
            pipeline.replace(NettyPipeline.ResponseTimeoutHandler, NettyPipeline.ResponseTimeoutHandler,
                    new ReadTimeoutHandler(timeouts.idle().toMillis(), TimeUnit.MILLISECONDS));
        }
        catch (NoSuchElementException ended) {
            // The response is over: there is no next chunk to wait for.
        }
    }

    /**
     * The whole call, retries and their waits included, within the total timeout: one timer a call, which
     * cuts the stream short when it goes off, and nothing a chunk.
     */
    private Flux<String> withinDeadline(String source, Flux<String> call) {
        return Flux.defer(() -> {
            AtomicBoolean expired = new AtomicBoolean();
            Mono<Long> deadline = Mono.delay(timeouts.total()).doOnNext(tick -> expired.set(true));
            return call.takeUntilOther(deadline).concatWith(Mono.defer(() -> expired.get()
                    ? Mono.error(UpstreamException.timeout(source, "end of stream", timeouts.total()))
                    : Mono.empty()));
        });
    }

    private HttpClient.ResponseReceiver<?> post(ChatCompletionRequest request, boolean stream,
            CallObserver observer) {
        return (stream ? streams : completions).post()
                .uri(PATH)
                .send((outbound, body) -> {
                    observer.headers(outbound::header);
                    return body.send(Mono.fromCallable(() -> Unpooled.wrappedBuffer(json.writeValueAsBytes(request))));
                });
    }

    private static boolean isSuccess(HttpClientResponse response) {
        return response.status().codeClass() == HttpStatusClass.SUCCESS;
    }

    /** The whole body, refused past {@link #MAX_BODY_BYTES}; empty when the provider sent nothing. */
    private static Mono<byte[]> bounded(ByteBufFlux body) {
        return body.asByteArray()
                .collect(ByteArrayOutputStream::new, (all, part) -> {
                    if (all.size() + part.length > MAX_BODY_BYTES) {
                        throw new DataBufferLimitException("the response is larger than " + MAX_BODY_BYTES + " bytes");
                    }
                    all.writeBytes(part);
                })
                .filter(all -> all.size() > 0)
                .map(ByteArrayOutputStream::toByteArray);
    }

    private Mono<UpstreamException> rejection(String source, HttpClientResponse response, ByteBufFlux body) {
        int status = response.status().code();
        Duration retryAfter = retryAfter(response.responseHeaders());
        return bounded(body)
                .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
                .defaultIfEmpty("")
                .map(text -> UpstreamException.rejected(source, status, redacted(errorMessage(text)), retryAfter));
    }

    private UpstreamException classify(String source, Throwable failure) {
        if (failure instanceof DataBufferLimitException tooLarge) {
            return UpstreamException.malformed(source, tooLarge.getMessage());
        }
        return UpstreamException.unreachable(source, failure);
    }

    /** A provider that echoes the request in its error would otherwise put our key in a client's error body. */
    private String redacted(String message) {
        return apiKey == null ? message : message.replace(apiKey, "****");
    }

    /** The provider's {@code error.message} when the body is an OpenAI error, else the body's start. */
    private String errorMessage(String body) {
        try {
            return errorMessage(json.readTree(body).path("error"), body);
        }
        catch (JacksonException ex) {
            return abbreviate(body);
        }
    }

    private static String errorMessage(JsonNode error, String fallback) {
        if (error.isString()) {
            return error.stringValue();
        }
        String message = error.path("message").asString("");
        return message.isBlank() ? abbreviate(fallback) : message;
    }

    /** {@code retry-after-ms}, else {@code Retry-After} in seconds or as an HTTP date. */
    static Duration retryAfter(HttpHeaders headers) {
        try {
            String millis = headers.get("retry-after-ms");
            if (millis != null) {
                return Duration.ofMillis((long) Double.parseDouble(millis.strip()));
            }
            String value = headers.get(HttpHeaderNames.RETRY_AFTER);
            if (value == null) {
                return null;
            }
            if (value.strip().chars().allMatch(Character::isDigit)) {
                return Duration.ofSeconds(Long.parseLong(value.strip()));
            }
            ZonedDateTime at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
            return wait.isNegative() ? Duration.ZERO : wait;
        }
        catch (RuntimeException ex) {
            return null;
        }
    }

    private String source(ChatCompletionRequest request) {
        return name + "/" + request.model();
    }

    private static String abbreviate(String text) {
        String flat = text.strip().replaceAll("\\s+", " ");
        return flat.length() <= 200 ? flat : flat.substring(0, 200) + "...";
    }
}
