package dev.moagateway.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import dev.moagateway.mixture.Progress;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a request asks of a mixture beyond OpenAI's fields, from the body's {@code moa} object (ours: it is
 * never sent upstream) and the {@code X-Moa-Trace} header.
 *
 * @param progress where the run's account goes, or null for the mixture's own setting
 * @param trace    whether the answer carries the run's trace
 * @param events   whether a stream carries the run's events as named {@code moa} events
 * @param mixture  the request's own {@code layers} and/or {@code aggregator} for its mixture, or null
 */
record MoaOptions(Progress progress, boolean trace, boolean events, ObjectNode mixture) {

    static final String FIELD = "moa";
    static final String TRACE_HEADER = "X-Moa-Trace";

    private static final String MODES = Arrays.stream(Progress.values()).map(Progress::wireName)
            .collect(Collectors.joining(", "));

    /** Errors with a 400 {@link ApiException} that names the field when {@code moa} or the header is off. */
    static MoaOptions read(JsonNode moa, String traceHeader) {
        boolean traceAsked = traceHeader != null && header(traceHeader);
        if (moa == null || moa.isNull()) {
            return new MoaOptions(null, traceAsked, false, null);
        }
        if (!moa.isObject()) {
            throw ApiException.invalidRequest(FIELD, "Invalid type for 'moa': expected an object.");
        }
        Progress progress = null;
        boolean trace = traceAsked;
        boolean events = false;
        ObjectNode mixture = null;
        for (Map.Entry<String, JsonNode> option : moa.properties()) {
            JsonNode value = option.getValue();
            switch (option.getKey()) {
                case "progress" -> progress = Progress.named(value.isString() ? value.stringValue() : null)
                        .orElseThrow(() -> ApiException.invalidRequest("moa.progress",
                                "'moa.progress' must be one of " + MODES + "."));
                case "trace" -> trace = bool("moa.trace", value) || traceAsked;
                case "events" -> events = bool("moa.events", value);
                case "layers", "aggregator" -> {
                    mixture = mixture == null ? JsonNodeFactory.instance.objectNode() : mixture;
                    mixture.set(option.getKey(), value);
                }
                default -> throw ApiException.invalidRequest(FIELD + "." + option.getKey(),
                        "Unknown parameter: 'moa." + option.getKey() + "'. 'moa' takes progress, trace, events, "
                                + "layers and aggregator.");
            }
        }
        return new MoaOptions(progress, trace, events, mixture);
    }

    private static boolean bool(String param, JsonNode value) {
        if (!value.isBoolean()) {
            throw ApiException.invalidRequest(param, "Invalid type for '" + param + "': expected a boolean.");
        }
        return value.booleanValue();
    }

    private static boolean header(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw ApiException.invalidRequest(null, "The " + TRACE_HEADER + " header must be true or false.");
        };
    }
}
