package dev.moagateway.config;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** OpenTelemetry's standard variables, read as the Spring Boot properties they mean. */
class OpenTelemetryEnvironmentTest {

    private static final String EXPORT = "management.opentelemetry.tracing.export.otlp.";

    @Test
    void nothingIsSetWithoutTheVariables() {
        assertThat(OpenTelemetryEnvironment.properties(Map.of("PATH", "/bin"))).isEmpty();
    }

    @Test
    void theBaseEndpointGainsTheTracesPathAndTheSignalsOwnEndpointIsTakenAsItIs() {
        assertThat(OpenTelemetryEnvironment.properties(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")))
                .containsEntry(EXPORT + "endpoint", "http://collector:4318/v1/traces");
        assertThat(OpenTelemetryEnvironment.properties(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://other:9999/traces")))
                .containsEntry(EXPORT + "endpoint", "http://other:9999/traces");
    }

    @Test
    void protocolHeadersSamplerAndTheOffSwitchAreMapped() {
        Map<String, Object> properties = OpenTelemetryEnvironment.properties(Map.of(
                "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc",
                "OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20abc, x-tenant=acme",
                "OTEL_TRACES_SAMPLER", "parentbased_traceidratio",
                "OTEL_TRACES_SAMPLER_ARG", "0.25",
                "OTEL_SDK_DISABLED", "true"));

        assertThat(properties).containsEntry(EXPORT + "transport", "grpc")
                .containsEntry(EXPORT + "headers.authorization", "Bearer abc")
                .containsEntry(EXPORT + "headers.x-tenant", "acme")
                .containsEntry("management.tracing.sampling.probability", "0.25")
                .containsEntry("management.tracing.export.enabled", "false");
        assertThat(OpenTelemetryEnvironment.properties(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                "OTEL_TRACES_SAMPLER", "always_off")))
                .containsEntry(EXPORT + "transport", "http")
                .containsEntry("management.tracing.sampling.probability", "0.0");
    }

    @Test
    void aValueTheVariablesCannotMeanIsPassedOnForSpringBootToRefuse() {
        assertThat(OpenTelemetryEnvironment.properties(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json",
                "OTEL_TRACES_SAMPLER", "jaeger_remote")))
                .containsEntry(EXPORT + "transport", "http/json")
                .containsEntry("management.tracing.sampling.probability", "jaeger_remote");
    }
}
