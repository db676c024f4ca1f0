package dev.moagateway.config;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

import dev.moagateway.api.ApiKeyFilter;
import dev.moagateway.api.ApiRoutes;
import dev.moagateway.api.ConcurrencyLimitFilter;
import dev.moagateway.api.CorsFilter;
import dev.moagateway.api.HeaderSizeFilter;
import dev.moagateway.api.MalformedUrlResponder;
import dev.moagateway.api.OpenAiErrorHandler;
import dev.moagateway.api.RequestScopeFilter;
import dev.moagateway.demo.DemoUpstream;
import dev.moagateway.mixture.Catalog;
import dev.moagateway.mixture.MixtureOverrides;
import dev.moagateway.mixture.MixtureRunner;
import dev.moagateway.observability.Telemetry;
import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.responses.ResponseStore;
import dev.moagateway.openai.WireTypes;
import dev.moagateway.upstream.ContextWindow;
import dev.moagateway.upstream.HttpUpstream;
import dev.moagateway.upstream.ModelRef;
import dev.moagateway.upstream.ProviderModel.Price;
import dev.moagateway.upstream.ProviderSettings;
import dev.moagateway.upstream.TokenCounter;
import dev.moagateway.upstream.Upstream;
import dev.moagateway.upstream.UpstreamRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.json.JsonMapper;

/** Wires the gateway from {@code moa.*}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MoaProperties.class)
class GatewayConfiguration {

    /**
     * One pool for every upstream: connections are kept per host and reused across requests. A provider's
     * {@code max-concurrency} caps its host's connections, and so its calls in flight (HTTP/1.1 carries
     * one call per connection); calls past the cap wait for a connection up to the provider's total timeout.
     * Providers on one host share the strictest cap.
     */
    @Bean(destroyMethod = "dispose")
    ConnectionProvider upstreamConnections(MoaProperties properties) {
        ConnectionProvider.Builder pool = ConnectionProvider.builder("upstreams")
                .maxConnections(4096)
                .pendingAcquireMaxCount(-1)
                .maxIdleTime(Duration.ofSeconds(30))
                .evictInBackground(Duration.ofSeconds(30))
                // Gauges of the pool's connections per host, read when scraped.
                .metrics(true);
        Map<InetSocketAddress, ProviderSettings> capped = new LinkedHashMap<>();
        properties.providers().values().stream()
                .filter(settings -> settings.maxConcurrency() != null)
                .forEach(settings -> capped.merge(settings.address(), settings,
                        (one, other) -> one.maxConcurrency() <= other.maxConcurrency() ? one : other));
        capped.forEach((address, settings) -> pool.forRemoteHost(address, host -> host
                .maxConnections(settings.maxConcurrency())
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(settings.timeouts().total())));
        return pool.build();
    }

    @Bean
    UpstreamRegistry upstreamRegistry(MoaProperties properties, ConnectionProvider connections, JsonMapper json) {
        WireTypes.warmUp(json);
        HttpClient httpClient = HttpClient.create(connections);
        Map<String, Upstream> providers = new LinkedHashMap<>();
        properties.providers().forEach((name, settings) -> providers.put(name,
                HttpUpstream.create(name, settings, httpClient, json)));
        providers.put(MoaProperties.DEMO_PROVIDER, new DemoUpstream(properties.demo().speed(), json));
        Map<String, ContextWindow> windows = new LinkedHashMap<>();
        properties.providers().forEach((name, settings) -> settings.models().stream()
                .filter(model -> model.contextWindow() != null)
                .forEach(model -> windows.put(name + "/" + model.id(),
                        new ContextWindow(model.contextWindow(), TokenCounter.forModel(model.id())))));
        return new UpstreamRegistry(providers, windows);
    }

    @Bean
    Catalog catalog(MoaProperties properties, UpstreamRegistry upstreams) {
        return new Catalog(properties.models(), upstreams);
    }

    @Bean
    MixtureRunner mixtureRunner(JsonMapper json) {
        return new MixtureRunner(json);
    }

    @Bean
    MixtureOverrides mixtureOverrides(MoaProperties properties, UpstreamRegistry upstreams) {
        MoaProperties.Overrides overrides = properties.overrides();
        return new MixtureOverrides(overrides.enabled(), overrides.maxLayers(), overrides.maxProposers(),
                overrides.maxCalls(), properties.providerNames(), upstreams);
    }

    @Bean
    RouterFunction<ServerResponse> openAiRoutes(MoaProperties properties, Catalog catalog, MixtureRunner runner,
            MixtureOverrides overrides, JsonMapper json) {
        MoaProperties.Limits limits = properties.limits();
        ResponseStore store = new ResponseStore(properties.responses().maxEntries(), properties.responses().ttl(),
                Clock.systemUTC());
        // A window as large as any, only to count with: a real tokenizer for OpenAI's families, else an estimate.
        ToIntFunction<ChatCompletionRequest> promptTokens = request -> new ContextWindow(Integer.MAX_VALUE,
                TokenCounter.forModel(ModelRef.parse(request.model()).map(ModelRef::model).orElse(request.model())))
                .promptTokens(request);
        return ApiRoutes.routes(catalog, overrides, runner, json, store, promptTokens, new ApiRoutes.Settings(
                properties.keepAliveInterval(), limits.maxRequestSize().toBytes(), limits.maxJsonDepth(),
                properties.trace().enabled(), properties.maxDepth()));
    }

    /**
     * Prices come from the providers' model lists; model names that are always their own series from the
     * mixtures, their members and those lists.
     */
    @Bean
    Telemetry telemetry(MoaProperties properties, Catalog catalog, MeterRegistry registry,
            ObjectProvider<OpenTelemetry> openTelemetry, JsonMapper json) {
        Map<String, Price> prices = new LinkedHashMap<>();
        Set<String> configured = new HashSet<>(catalog.mixtureIds());
        catalog.calledModels().keySet().forEach(id -> {
            configured.add(id);
            ModelRef.parse(id).ifPresent(ref -> configured.add(ref.model()));
        });
        properties.providers().forEach((provider, settings) -> settings.models().forEach(model -> {
            configured.add(provider + "/" + model.id());
            configured.add(model.id());
            if (model.price() != null) {
                prices.put(provider + "/" + model.id(), model.price());
            }
        }));
        return new Telemetry(registry, openTelemetry.getIfAvailable(OpenTelemetry::noop), prices, configured,
                properties.telemetry().maxModelSeries(), properties.telemetry().captureContent(), json);
    }

    @Bean
    static AsyncAccessLog asyncAccessLog() {
        return new AsyncAccessLog();
    }

    @Bean
    RequestScopeFilter requestScopeFilter(Telemetry telemetry) {
        return new RequestScopeFilter(telemetry);
    }

    @Bean
    CorsFilter corsFilter(MoaProperties properties) {
        return new CorsFilter(properties.cors().allowedOrigins());
    }

    @Bean
    ApiKeyFilter apiKeyFilter(MoaProperties properties) {
        return new ApiKeyFilter(properties.apiKeys());
    }

    @Bean
    HeaderSizeFilter headerSizeFilter(MoaProperties properties) {
        return new HeaderSizeFilter(properties.limits().maxHeaderSize().toBytes());
    }

    @Bean
    ConcurrencyLimitFilter concurrencyLimitFilter(MoaProperties properties) {
        return new ConcurrencyLimitFilter(properties.limits().maxConcurrentRequests());
    }

    @Bean
    OpenAiErrorHandler openAiErrorHandler(JsonMapper json) {
        return new OpenAiErrorHandler(json);
    }

    @Bean
    MalformedUrlResponder malformedUrlResponder(JsonMapper json) {
        return new MalformedUrlResponder(json);
    }
}
