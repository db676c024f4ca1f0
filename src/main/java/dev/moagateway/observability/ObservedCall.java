package dev.moagateway.observability;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

import dev.moagateway.observability.GatewayMeters.CallMeters;
import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.upstream.CallObserver;
import dev.moagateway.upstream.Outcome;
import dev.moagateway.upstream.ProviderModel.Price;
import dev.moagateway.upstream.UpstreamException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One upstream call, observed: its {@code chat {model}} client span with the GenAI attributes, its meters, and
 * the trace context and request id it sends upstream. Each chunk costs a timestamp and a few field writes; the
 * rest is done once, when the call {@linkplain #end(Outcome, String) ends}.
 */
public final class ObservedCall implements CallObserver {

    private static final AttributeKey<String> OUTPUT_MESSAGES = AttributeKey.stringKey("gen_ai.output.messages");
    private static final String CONTENT_EVENT = "gen_ai.client.inference.operation.details";

    private final RequestScope scope;
    private final Telemetry telemetry;
    private final CallMeters meters;
    private final Price price;
    private final Span span;
    private final Context context;
    private final long start = System.nanoTime();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile long firstChunkAt;
    private volatile String responseModel;
    private volatile String finishReason;
    private volatile long inputTokens = -1;
    private volatile long outputTokens = -1;
    private volatile Double costUsd;

    private ObservedCall(RequestScope scope, Telemetry telemetry, CallMeters meters, Price price, Span span,
            Context context) {
        this.scope = scope;
        this.telemetry = telemetry;
        this.meters = meters;
        this.price = price;
        this.span = span;
        this.context = context;
    }

    /** {@code labels} as tagged; {@code model} the upstream model as it is really called. */
    static ObservedCall start(RequestScope scope, Telemetry telemetry, CallLabels labels, String model, Price price,
            Context parent, ChatCompletionRequest request) {
        Span span = telemetry.tracer.spanBuilder("chat " + model)
                .setParent(parent)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("gen_ai.operation.name", "chat")
                .setAttribute("gen_ai.provider.name", labels.provider())
                .setAttribute("gen_ai.request.model", model)
                .setAttribute("moa.mixture", labels.mixture())
                .setAttribute("moa.role", labels.role())
                .setAttribute("moa.layer", labels.layer())
                .startSpan();
        if (telemetry.captureContent && span.isRecording()) {
            span.addEvent(CONTENT_EVENT, Attributes.of(AttributeKey.stringKey("gen_ai.input.messages"),
                    telemetry.json.writeValueAsString(request.messages())));
        }
        CallMeters meters = telemetry.meters.call(labels, price != null);
        return new ObservedCall(scope, telemetry, meters, price, span, parent.with(span));
    }

    @Override
    public void headers(BiConsumer<String, String> header) {
        telemetry.propagator.inject(context, header, BiConsumer::accept);
        header.accept(RequestScope.REQUEST_ID_HEADER, scope.requestId());
        header.accept(RequestScope.DEPTH_HEADER, Integer.toString(scope.depth() + 1));
    }

    @Override
    public void retrying(UpstreamException failure) {
        meters.retries().increment();
        span.addEvent("retry", Attributes.of(AttributeKey.stringKey("error.type"), Outcome.of(failure).wireName()));
    }

    @Override
    public void received(String model, String finish, long input, long output) {
        if (firstChunkAt == 0) {
            firstChunkAt = System.nanoTime();
        }
        // Written once each, so that a chunk costs reads rather than volatile writes.
        if (model != null && responseModel == null) {
            responseModel = model;
        }
        if (finish != null && finishReason == null) {
            finishReason = finish;
        }
        // Some servers repeat a running total on every chunk: the last count seen is the call's.
        if (input >= 0) {
            inputTokens = input;
        }
        if (output >= 0) {
            outputTokens = output;
        }
    }

    /**
     * The call is over: its meters recorded and its span ended, once; later calls do nothing. {@code text} is
     * the answer where the gateway holds it, an opt-in span event; null otherwise.
     */
    public void end(Outcome outcome, String text) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        long now = System.nanoTime();
        String errorType = outcome == Outcome.ANSWERED ? CallLabels.NONE : outcome.wireName();
        meters.duration().withTags(GatewayMeters.ERROR_TYPE, errorType).record(now - start, TimeUnit.NANOSECONDS);
        long firstChunk = firstChunkAt;
        if (firstChunk != 0) {
            meters.firstChunk().record(firstChunk - start, TimeUnit.NANOSECONDS);
            span.setAttribute("gen_ai.response.time_to_first_chunk", (firstChunk - start) / 1e9);
        }
        if (meters.proposals() != null) {
            meters.proposals().withTags(GatewayMeters.OUTCOME, outcome.wireName()).increment();
        }
        long input = inputTokens;
        long output = outputTokens;
        recordUsage(input, output);
        scope.used(input, output, costUsd);
        describe(outcome, text, input, output);
    }

    private void recordUsage(long input, long output) {
        if (input >= 0) {
            meters.inputTokens().record(input);
        }
        if (output >= 0) {
            meters.outputTokens().record(output);
        }
        if (price != null && (input >= 0 || output >= 0)) {
            double cost = price.of(input, output);
            costUsd = cost;
            meters.cost().increment(cost);
        }
    }

    private void describe(Outcome outcome, String text, long input, long output) {
        if (!span.isRecording()) {
            span.end();
            return;
        }
        if (responseModel != null) {
            span.setAttribute("gen_ai.response.model", responseModel);
        }
        if (finishReason != null) {
            span.setAttribute(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"), List.of(finishReason));
        }
        if (input >= 0) {
            span.setAttribute("gen_ai.usage.input_tokens", input);
        }
        if (output >= 0) {
            span.setAttribute("gen_ai.usage.output_tokens", output);
        }
        if (costUsd != null) {
            span.setAttribute("moa.cost_usd", costUsd);
        }
        span.setAttribute("moa.outcome", outcome.wireName());
        if (outcome != Outcome.ANSWERED) {
            RequestScope.fail(span, outcome.wireName(), null);
        }
        if (telemetry.captureContent && text != null) {
            span.addEvent(CONTENT_EVENT, Attributes.of(OUTPUT_MESSAGES, text));
        }
        span.end();
    }

    /** What the call cost at the configured price, once it ended; null when unknown. */
    public Double costUsd() {
        return costUsd;
    }

    /** {@code call} ended as it completes, fails or is cancelled: for calls whose answer is only relayed. */
    public <T> Mono<T> watch(Mono<T> call) {
        return call.doOnSuccess(value -> end(Outcome.ANSWERED, null))
                .doOnError(failure -> end(Outcome.of(failure), null))
                .doOnCancel(() -> end(Outcome.CANCELLED, null));
    }

    /** As {@link #watch(Mono)}, for a stream. */
    public <T> Flux<T> watch(Flux<T> call) {
        return call.doOnComplete(() -> end(Outcome.ANSWERED, null))
                .doOnError(failure -> end(Outcome.of(failure), null))
                .doOnCancel(() -> end(Outcome.CANCELLED, null));
    }
}
