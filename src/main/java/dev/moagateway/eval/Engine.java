package dev.moagateway.eval;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.moagateway.mixture.Catalog;
import dev.moagateway.mixture.MixtureEvent.AnswerChunk;
import dev.moagateway.mixture.MixturePlan;
import dev.moagateway.mixture.MixtureRunner;
import dev.moagateway.mixture.Passthrough;
import dev.moagateway.mixture.Route;
import dev.moagateway.observability.RequestScope;
import dev.moagateway.observability.Telemetry;
import dev.moagateway.openai.ChatCompletionChunk;
import dev.moagateway.openai.ChatCompletionRequest;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks a mixture or a {@code provider/model} through the server's own engine, streamed, and tells what came
 * back: the answer's text, when its first token came, how long it took, what it used and cost.
 */
final class Engine {

    /** One reply; {@code error} says why there is no text. */
    record Reply(String text, String error, long latencyMs, Long ttftMs, long inputTokens, long outputTokens,
            Double costUsd) {
    }

    private final Catalog catalog;
    private final MixtureRunner runner;
    private final Telemetry telemetry;
    private final JsonMapper json;

    Engine(Catalog catalog, MixtureRunner runner, Telemetry telemetry, JsonMapper json) {
        this.catalog = catalog;
        this.runner = runner;
        this.telemetry = telemetry;
        this.json = json;
    }

    /** Errors with {@link IllegalArgumentException} naming a model that is not served here. */
    Route route(String id) {
        return catalog.route(id).orElseThrow(() -> new IllegalArgumentException("'" + id + "' is neither a "
                + "configured mixture (" + String.join(", ", catalog.mixtureIds()) + ") nor provider/model of a "
                + "configured provider"));
    }

    /** Never errors: a failure is a reply with its error. */
    Mono<Reply> ask(String id, ChatCompletionRequest request) {
        Route route = route(id);
        return Mono.defer(() -> {
            RequestScope scope = telemetry.request("eval_" + HexFormat.of().toHexDigits(
                    ThreadLocalRandom.current().nextLong()), "eval", "EVAL", id, new HttpHeaders(), false);
            long start = System.nanoTime();
            long[] firstTextAt = {0};
            StringBuilder text = new StringBuilder();
            return texts(route, request, scope)
                    .doOnNext(piece -> {
                        if (!piece.isEmpty() && firstTextAt[0] == 0) {
                            firstTextAt[0] = System.nanoTime();
                        }
                        text.append(piece);
                    })
                    .then(Mono.fromSupplier(() -> reply(text.toString(), null, start, firstTextAt[0], scope)))
                    .onErrorResume(failure -> Mono.just(reply(null, String.valueOf(failure.getMessage()), start, 0,
                            scope)))
                    .doOnNext(reply -> scope.finish(reply.error() == null ? 200 : 502,
                            reply.error() == null ? "answered" : "error"));
        });
    }

    private Flux<String> texts(Route route, ChatCompletionRequest request, RequestScope scope) {
        if (route instanceof MixturePlan mixture) {
            return runner.run(mixture, request, scope).ofType(AnswerChunk.class).map(answer -> answer.chunk().text());
        }
        return ((Passthrough) route).stream(request.asStreamWithUsage(), scope)
                .map(data -> json.readValue(data, ChatCompletionChunk.class).text());
    }

    private static Reply reply(String text, String error, long start, long firstTextAt, RequestScope scope) {
        long now = System.nanoTime();
        Long ttftMs = firstTextAt == 0 ? null : TimeUnit.NANOSECONDS.toMillis(firstTextAt - start);
        if (error == null && text.isBlank()) {
            error = "the answer is empty";
            text = null;
        }
        return new Reply(text, error, TimeUnit.NANOSECONDS.toMillis(now - start), ttftMs, scope.inputTokens(),
                scope.outputTokens(), scope.costUsd());
    }
}
