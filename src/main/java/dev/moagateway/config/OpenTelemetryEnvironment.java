package dev.moagateway.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Reads OpenTelemetry's standard environment variables ({@code OTEL_EXPORTER_OTLP_*}, {@code OTEL_TRACES_SAMPLER},
 * {@code OTEL_SDK_DISABLED}) as the Spring Boot properties they mean, so a deployment configured for any
 * OpenTelemetry SDK traces the same here. Spring Boot reads {@code OTEL_SERVICE_NAME} and
 * {@code OTEL_RESOURCE_ATTRIBUTES} itself. Added last: a Spring property, however it is given, wins. A value the
 * variables cannot mean is passed on as it is, for Spring Boot to refuse at start naming this source.
 */
public final class OpenTelemetryEnvironment implements EnvironmentPostProcessor {

    static final String SOURCE = "OpenTelemetry environment variables (OTEL_*)";
    private static final String EXPORT = "management.opentelemetry.tracing.export.otlp.";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> properties = properties(environment.getSystemEnvironment());
        if (!properties.isEmpty()) {
            environment.getPropertySources().addLast(new MapPropertySource(SOURCE, properties));
        }
    }

    /** The Spring properties the variables mean. */
    static Map<String, Object> properties(Map<String, Object> env) {
        Map<String, Object> properties = new HashMap<>();
        String traces = text(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        String base = text(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
        if (traces != null) {
            properties.put(EXPORT + "endpoint", traces);
        }
        else if (base != null) {
            // The base endpoint is the collector's root; the signal's path is the SDK's to add.
            properties.put(EXPORT + "endpoint", (base.endsWith("/") ? base : base + "/") + "v1/traces");
        }
        String protocol = first(text(env, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"), text(env, "OTEL_EXPORTER_OTLP_PROTOCOL"));
        if (protocol != null) {
            properties.put(EXPORT + "transport", transport(protocol));
        }
        String headers = first(text(env, "OTEL_EXPORTER_OTLP_TRACES_HEADERS"), text(env, "OTEL_EXPORTER_OTLP_HEADERS"));
        if (headers != null) {
            headers(headers).forEach((name, value) -> properties.put(EXPORT + "headers." + name, value));
        }
        String sampler = text(env, "OTEL_TRACES_SAMPLER");
        if (sampler != null) {
            properties.put("management.tracing.sampling.probability",
                    probability(sampler, text(env, "OTEL_TRACES_SAMPLER_ARG")));
        }
        if ("true".equalsIgnoreCase(text(env, "OTEL_SDK_DISABLED"))) {
            properties.put("management.tracing.export.enabled", "false");
        }
        return properties;
    }

    private static String transport(String protocol) {
        return switch (protocol.toLowerCase(Locale.ROOT)) {
            case "http/protobuf" -> "http";
            case "grpc" -> "grpc";
            default -> protocol;
        };
    }

    /** Spring Boot's sampler is parent-based: a caller's sampled trace is always continued. */
    private static String probability(String sampler, String arg) {
        return switch (sampler.toLowerCase(Locale.ROOT)) {
            case "always_on", "parentbased_always_on" -> "1.0";
            case "always_off", "parentbased_always_off" -> "0.0";
            case "traceidratio", "parentbased_traceidratio" -> ratio(arg);
            default -> sampler;
        };
    }

    private static String ratio(String arg) {
        return arg == null ? "1.0" : arg;
    }

    /** {@code name=value,name=value}, as the variable's specification writes them. */
    private static Map<String, String> headers(String list) {
        Map<String, String> headers = new HashMap<>();
        for (String pair : list.split(",")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                headers.put(pair.substring(0, equals).trim(),
                        URLDecoder.decode(pair.substring(equals + 1).trim(), StandardCharsets.UTF_8));
            }
        }
        return headers;
    }

    private static String text(Map<String, Object> env, String name) {
        Object value = env.get(name);
        return value == null || value.toString().isBlank() ? null : value.toString().trim();
    }

    private static String first(String one, String other) {
        return one != null ? one : other;
    }
}
