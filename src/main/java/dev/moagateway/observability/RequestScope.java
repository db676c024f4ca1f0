package dev.moagateway.observability;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.upstream.ProviderModel.Price;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.spi.LoggingEventBuilder;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Flux;
import reactor.core.publisher.SignalType;

/**
 * One request as metrics, traces and logs see it: its id, its server span and the spans under it, what its
 * calls used and cost, and its access-log line. Made by the first web filter; every part of the request that
 * logs or calls upstream is handed it. Log lines written through {@link #log(Runnable)} carry the request's
 * ids, whichever thread the request is on.
 */
public final class RequestScope {

    /** The ids in every log line of a request, as the logging pattern and structured formats name them. */
    public static final String REQUEST_ID = "requestId";
    public static final String TRACE_ID = "traceId";
    public static final String SPAN_ID = "spanId";

    /** The request's id: the caller's when it is sane, sent upstream with every call. */
    public static final String REQUEST_ID_HEADER = "x-request-id";
    /** How many gateways' calls a request has come through: each upstream call carries one more. */
    public static final String DEPTH_HEADER = "x-moa-depth";

    private static final Logger access = LoggerFactory.getLogger("dev.moagateway.access");
    private static final AttributeKey<String> MIXTURE = AttributeKey.stringKey("moa.mixture");
    private static final AttributeKey<Long> LAYER = AttributeKey.longKey("moa.layer");
    private static final TextMapGetter<HttpHeaders> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpHeaders headers) {
            return headers.headerNames();
        }

        @Override
        public String get(HttpHeaders headers, String key) {
            return headers == null ? null : headers.getFirst(key);
        }
    };

    private final Telemetry telemetry;
    private final String requestId;
    private final String method;
    private final String path;
    private final Span span;
    private final boolean counted;
    private final int depth;
    private final long start = System.nanoTime();
    private final LongAdder inputTokens = new LongAdder();
    private final LongAdder outputTokens = new LongAdder();
    private final DoubleAdder costUsd = new DoubleAdder();
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile Context parent;
    private volatile Span layer;
    private volatile String model = "unknown";
    private volatile boolean stream;
    private volatile String mixture = CallLabels.NONE;
    private volatile String phase = "request";
    private volatile long firstTokenAt;
    private volatile boolean priced;
    private volatile Throwable failure;

    private RequestScope(Telemetry telemetry, String requestId, String method, String path, Span span,
            Context parent, boolean counted, int depth) {
        this.telemetry = telemetry;
        this.requestId = requestId;
        this.method = method;
        this.path = path;
        this.span = span;
        this.parent = parent;
        this.counted = counted;
        this.depth = depth;
        if (counted) {
            telemetry.meters.activeRequests().incrementAndGet();
        }
    }

    static RequestScope start(Telemetry telemetry, String requestId, String spanName, String method, String path,
            HttpHeaders headers, boolean counted) {
        Context caller = telemetry.propagator.extract(Context.root(), headers, HEADERS);
        Span span = telemetry.tracer.spanBuilder(spanName)
                .setParent(caller)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute("http.request.method", method)
                .setAttribute("url.path", path)
                .setAttribute("moa.request_id", requestId)
                .startSpan();
        return new RequestScope(telemetry, requestId, method, path, span, caller.with(span), counted,
                depth(headers.getFirst(DEPTH_HEADER)));
    }

    /** A caller's depth that is not a small whole number counts as none: the header is a guard, not an input. */
    private static int depth(String header) {
        if (header == null || header.isBlank() || header.length() > 4) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(header.strip()));
        }
        catch (NumberFormatException notANumber) {
            return 0;
        }
    }

    /** A scope that records nothing, for work outside a request. */
    public static RequestScope detached() {
        return Telemetry.NONE.request("none", "detached", "NONE", "", new HttpHeaders(), false);
    }

    public String requestId() {
        return requestId;
    }

    /** The caller's {@code x-moa-depth}, 0 when it sent none. */
    public int depth() {
        return depth;
    }

    /** The model the request asks for, once it has been read and found: {@code unknown} until then. */
    public void model(String requested, boolean streamed) {
        model = telemetry.models.tag(requested);
        stream = streamed;
        span.setAttribute("gen_ai.request.model", requested);
    }

    /** {@code model} as a tag: itself while {@code provider/model} is configured or under the cap, else other. */
    String modelTag(String provider, String model) {
        return telemetry.models.tag(provider + "/" + model).equals(ModelNames.OTHER) ? ModelNames.OTHER : model;
    }

    /** The first token of the answer went to the client. Cheap after the first call: one read. */
    public void firstToken() {
        if (firstTokenAt == 0) {
            firstTokenAt = System.nanoTime();
        }
    }

    /** The request failed, before its response started or in its stream. */
    public void failed(Throwable cause) {
        failure = cause;
    }

    public Throwable failure() {
        return failure;
    }

    /** What the request is waiting for, as cancellations are counted: {@code proposers}, {@code aggregator}... */
    public void phase(String name) {
        phase = name;
    }

    /** {@code events} inside an {@code invoke_workflow} span of the mixture, ended with them. */
    public <T> Flux<T> run(String mixtureId, Flux<T> events) {
        return Flux.defer(() -> {
            mixture = mixtureId;
            Span workflow = telemetry.tracer.spanBuilder("invoke_workflow " + mixtureId)
                    .setParent(parent)
                    .setSpanKind(SpanKind.INTERNAL)
                    .setAttribute("gen_ai.operation.name", "invoke_workflow")
                    .setAttribute(MIXTURE, mixtureId)
                    .startSpan();
            parent = parent.with(workflow);
            return events.doOnError(error -> fail(workflow, error.getClass().getSimpleName(), error.getMessage()))
                    .doFinally(signal -> {
                        if (signal == SignalType.CANCEL) {
                            workflow.setAttribute("moa.cancelled", true);
                        }
                        Span open = layer;
                        if (open != null) {
                            // The client left, or the run failed, while the layer worked.
                            open.end();
                            layer = null;
                        }
                        workflow.end();
                    });
        });
    }

    /** A layer of the run begins: its proposers' spans go under a span of its own. */
    public void layerStarted(int number) {
        Span layerSpan = telemetry.tracer.spanBuilder("layer " + number)
                .setParent(parent)
                .setAttribute(MIXTURE, mixture)
                .setAttribute(LAYER, (long) number)
                .startSpan();
        layer = layerSpan;
    }

    /** The layer's proposers have all settled, after {@code nanos}. */
    public void layerSettled(int number, long nanos) {
        Span layerSpan = layer;
        if (layerSpan != null) {
            layerSpan.end();
            layer = null;
        }
        telemetry.meters.layer(mixture, number, nanos);
    }

    /** An upstream call of this request, under the open layer's span, else the run's, else the request's. */
    public ObservedCall call(CallLabels labels, ChatCompletionRequest request) {
        Span layerSpan = layer;
        Context callParent = layerSpan != null ? parent.with(layerSpan) : parent;
        Price price = telemetry.price(labels.provider(), labels.model());
        priced |= price != null;
        CallLabels tagged = labels.role().equals(CallLabels.PASSTHROUGH)
                ? labels.withModel(modelTag(labels.provider(), labels.model())) : labels;
        return ObservedCall.start(this, telemetry, tagged, labels.model(), price, callParent, request);
    }

    /** The input tokens of the calls ended so far, as their providers counted them. */
    public long inputTokens() {
        return inputTokens.sum();
    }

    public long outputTokens() {
        return outputTokens.sum();
    }

    /** What the calls ended so far cost at the configured prices; null when none had a price. */
    public Double costUsd() {
        return priced ? costUsd.sum() : null;
    }

    void used(long input, long output, Double cost) {
        inputTokens.add(Math.max(0, input));
        outputTokens.add(Math.max(0, output));
        if (cost != null) {
            costUsd.add(cost);
        }
    }

    /**
     * The request is over, with this status and outcome: its metrics recorded, its span ended, its access-log
     * line written. Only the first call counts.
     */
    public void finish(int status, String outcome) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        long now = System.nanoTime();
        long firstToken = firstTokenAt;
        if (counted) {
            telemetry.meters.activeRequests().decrementAndGet();
            GatewayMeters.RequestMeters meters = telemetry.meters.request(model, stream);
            meters.duration().withTags(GatewayMeters.OUTCOME, outcome).record(now - start, TimeUnit.NANOSECONDS);
            if (stream && firstToken != 0) {
                meters.firstToken().withTags(GatewayMeters.OUTCOME, outcome)
                        .record(firstToken - start, TimeUnit.NANOSECONDS);
            }
            if (outcome.equals("cancelled")) {
                telemetry.meters.cancelled(mixture, phase);
            }
        }
        span.setAttribute("http.response.status_code", (long) status);
        span.setAttribute("moa.outcome", outcome);
        if (status >= 500 || failure != null && status < 400) {
            fail(span, outcome, failure == null ? null : failure.getMessage());
        }
        span.end();
        log(() -> accessLog(status, outcome, now, firstToken));
    }

    /** Unknown figures are {@code -} in the line and left out of its fields. */
    private void accessLog(int status, String outcome, long now, long firstToken) {
        long durationMs = TimeUnit.NANOSECONDS.toMillis(now - start);
        Long ttftMs = firstToken == 0 ? null : TimeUnit.NANOSECONDS.toMillis(firstToken - start);
        Double cost = priced ? costUsd.sum() : null;
        String requested = model;
        LoggingEventBuilder line = access.atInfo()
                .addKeyValue("http.request.method", method)
                .addKeyValue("url.path", path)
                .addKeyValue("gen_ai.request.model", requested)
                .addKeyValue("moa.stream", stream)
                .addKeyValue("http.response.status_code", status)
                .addKeyValue("duration_ms", durationMs)
                .addKeyValue("gen_ai.usage.input_tokens", inputTokens.sum())
                .addKeyValue("gen_ai.usage.output_tokens", outputTokens.sum())
                .addKeyValue("moa.outcome", outcome);
        if (ttftMs != null) {
            line = line.addKeyValue("ttft_ms", ttftMs);
        }
        if (cost != null) {
            line = line.addKeyValue("moa.cost_usd", cost);
        }
        line.log("{} {} model={} stream={} status={} duration_ms={} ttft_ms={} input_tokens={} output_tokens={} "
                + "cost_usd={} outcome={}", method, path, requested, stream, status, durationMs,
                ttftMs == null ? "-" : ttftMs, inputTokens.sum(), outputTokens.sum(),
                cost == null ? "-" : String.format(Locale.ROOT, "%.6f", cost), outcome);
    }

    /** Runs {@code line} with the request's ids in the logging context, as they were before after it. */
    public void log(Runnable line) {
        String previousRequest = MDC.get(REQUEST_ID);
        String previousTrace = MDC.get(TRACE_ID);
        String previousSpan = MDC.get(SPAN_ID);
        MDC.put(REQUEST_ID, requestId);
        SpanContext ids = span.getSpanContext();
        if (ids.isValid()) {
            MDC.put(TRACE_ID, ids.getTraceId());
            MDC.put(SPAN_ID, ids.getSpanId());
        }
        try {
            line.run();
        }
        finally {
            restore(REQUEST_ID, previousRequest);
            restore(TRACE_ID, previousTrace);
            restore(SPAN_ID, previousSpan);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        }
        else {
            MDC.put(key, value);
        }
    }

    static void fail(Span span, String errorType, String message) {
        span.setAttribute("error.type", errorType);
        span.setStatus(StatusCode.ERROR, message == null ? "" : message);
    }
}
