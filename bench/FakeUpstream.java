import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Collectors;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A fast OpenAI-compatible upstream for benchmarks and load runs. The model name tunes each answer:
 * {@code w=200} waits 200 ms before answering, {@code n=20,p=10} streams 20 tokens 10 ms apart (defaults:
 * no wait, TOKENS tokens GAP_MS apart), with or without a {@code provider/} prefix. A non-streamed answer is
 * the same few bytes every time. Each streamed token's content is the {@link System#nanoTime()} at which it
 * was written, so a client on the same machine can tell how long each chunk took to reach it. A stream stops
 * at the request's {@code max_tokens} (finish reason {@code length}). With {@code c=1} the model continues a
 * trailing assistant message, as llama.cpp does: each of its tokens is a word, and of its {@code n} it sends
 * those the message does not have yet; so a staircase aggregator's steps write one answer of {@code n} tokens.
 * <p>
 * It is also a trace collector that keeps nothing: {@code POST /v1/traces} (OTLP over HTTP, protobuf) is
 * answered with an empty {@code ExportTraceServiceResponse} and counted under its {@code from} query parameter,
 * and {@code GET /v1/traces} lists the counts, a line each: {@code from requests bytes}.
 * Usage: java -cp CLASSPATH FakeUpstream.java PORT TOKENS GAP_MS
 */
public class FakeUpstream {

    private static final byte[] COMPLETION = """
            {"id":"fake","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,\
            "message":{"role":"assistant","content":"A fake answer."},"finish_reason":"stop"}],\
            "usage":{"prompt_tokens":10,"completion_tokens":4,"total_tokens":14}}""".getBytes(StandardCharsets.UTF_8);

    private final int tokens;
    private final long gapMillis;
    /** Trace export requests and their bytes, by the {@code from} parameter of the exporter's URL. */
    private final Map<String, AtomicLongArray> exports = new ConcurrentSkipListMap<>();

    FakeUpstream(int tokens, long gapMillis) {
        this.tokens = tokens;
        this.gapMillis = gapMillis;
    }

    public static void main(String[] args) {
        FakeUpstream fake = new FakeUpstream(Integer.parseInt(args[1]), Long.parseLong(args[2]));
        HttpServer.create()
                .port(Integer.parseInt(args[0]))
                .handle((request, response) -> request.fullPath().equals("/v1/traces")
                        ? fake.traces(request, response)
                        : request.receive().aggregate().asString().defaultIfEmpty("")
                                .flatMap(body -> fake.answer(body, response)))
                .bindNow()
                .onDispose()
                .block();
    }

    Mono<Void> answer(String body, HttpServerResponse response) {
        Map<String, Long> tuning = tuning(body);
        long wait = tuning.getOrDefault("w", 0L);
        if (!body.contains("\"stream\":true")) {
            Mono<Void> send = response.header("Content-Type", "application/json")
                    .header("Content-Length", String.valueOf(COMPLETION.length))
                    .sendByteArray(Mono.just(COMPLETION))
                    .then();
            return wait == 0 ? send : Mono.delay(Duration.ofMillis(wait)).then(send);
        }
        boolean continues = tuning.getOrDefault("c", 0L) == 1;
        int count = tuning.getOrDefault("n", (long) tokens).intValue() - (continues ? prefilledWords(body) : 0);
        int limit = maxTokens(body);
        int sent = Math.max(0, Math.min(count, limit));
        String separator = continues ? " " : "";
        Duration gap = Duration.ofMillis(tuning.getOrDefault("p", gapMillis));
        Flux<String> events = Flux.interval(Duration.ofMillis(wait), gap)
                .take(sent)
                .map(i -> chunk("\"content\":\"" + System.nanoTime() + separator + "\"", "null"))
                .concatWithValues(chunk("", sent < count ? "\"length\"" : "\"stop\"") + usage(sent)
                        + "data: [DONE]\n\n");
        return response.header("Content-Type", "text/event-stream").sendString(events).then();
    }

    /** The request's {@code max_tokens}, or no limit. */
    private static int maxTokens(String body) {
        int at = body.indexOf("\"max_tokens\":");
        if (at < 0) {
            return Integer.MAX_VALUE;
        }
        int from = at + 13;
        int to = from;
        while (to < body.length() && Character.isDigit(body.charAt(to))) {
            to++;
        }
        return Integer.parseInt(body.substring(from, to));
    }

    /** The words of the conversation's trailing assistant message, the answer this call continues; or 0. */
    private static int prefilledWords(String body) {
        JsonNode messages = JsonMapper.shared().readTree(body).path("messages");
        JsonNode last = messages.path(messages.size() - 1);
        if (!last.path("role").asString().equals("assistant")) {
            return 0;
        }
        String text = last.path("content").asString().strip();
        return text.isEmpty() ? 0 : text.split("\\s+").length;
    }

    /** An export counted and answered with its empty response, or the counts so far. */
    Mono<Void> traces(HttpServerRequest request, HttpServerResponse response) {
        if (request.method().equals(HttpMethod.GET)) {
            String counts = exports.entrySet().stream()
                    .map(entry -> entry.getKey() + " " + entry.getValue().get(0) + " " + entry.getValue().get(1) + "\n")
                    .collect(Collectors.joining());
            return response.header("Content-Type", "text/plain").sendString(Mono.just(counts)).then();
        }
        String from = new QueryStringDecoder(request.uri()).parameters().getOrDefault("from", List.of("-")).get(0);
        return request.receive().map(ByteBuf::readableBytes).reduce(0L, (sum, more) -> sum + more).flatMap(bytes -> {
            AtomicLongArray count = exports.computeIfAbsent(from, key -> new AtomicLongArray(2));
            count.incrementAndGet(0);
            count.addAndGet(1, bytes);
            return response.header("Content-Type", "application/x-protobuf").header("Content-Length", "0")
                    .sendByteArray(Mono.just(new byte[0])).then();
        });
    }

    /** The {@code key=value} pairs of the request's model name. */
    private static Map<String, Long> tuning(String body) {
        Map<String, Long> tuning = new HashMap<>();
        int start = body.indexOf("\"model\":\"");
        if (start < 0) {
            return tuning;
        }
        String model = body.substring(start + 9, body.indexOf('"', start + 9));
        for (String pair : model.substring(model.indexOf('/') + 1).split(",")) {
            String[] keyValue = pair.split("=");
            if (keyValue.length == 2) {
                tuning.put(keyValue[0], Long.parseLong(keyValue[1]));
            }
        }
        return tuning;
    }

    private static String chunk(String delta, String finishReason) {
        return "data: {\"id\":\"fake\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{" + delta + "},\"finish_reason\":" + finishReason + "}]}\n\n";
    }

    private static String usage(int count) {
        return "data: {\"id\":\"fake\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":" + count + ",\"total_tokens\":" + (10 + count)
                + "}}\n\n";
    }
}
