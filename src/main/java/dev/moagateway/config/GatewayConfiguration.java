package dev.moagateway.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.moagateway.api.ApiKeyFilter;
import dev.moagateway.api.ApiRoutes;
import dev.moagateway.api.ChatCompletionsHandler;
import dev.moagateway.api.ModelsHandler;
import dev.moagateway.api.OpenAiErrorHandler;
import dev.moagateway.api.RequestIdFilter;
import dev.moagateway.demo.DemoUpstream;
import dev.moagateway.mixture.MixtureRunner;
import dev.moagateway.mixture.Mixtures;
import dev.moagateway.upstream.HttpUpstream;
import dev.moagateway.upstream.Upstream;
import dev.moagateway.upstream.UpstreamRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.json.JsonMapper;

/** Wires the gateway from {@code moa.*}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MoaProperties.class)
class GatewayConfiguration {

    /** One pool for every upstream: connections are kept per host and reused across requests. */
    @Bean(destroyMethod = "dispose")
    ConnectionProvider upstreamConnections() {
        return ConnectionProvider.builder("upstreams")
                .maxConnections(1024)
                .pendingAcquireMaxCount(-1)
                .maxIdleTime(Duration.ofSeconds(30))
                .evictInBackground(Duration.ofSeconds(30))
                .build();
    }

    @Bean
    UpstreamRegistry upstreamRegistry(MoaProperties properties, ConnectionProvider connections,
            WebClient.Builder webClients, JsonMapper json) {
        HttpClient httpClient = HttpClient.create(connections);
        Map<String, Upstream> providers = new LinkedHashMap<>();
        properties.providers().forEach((name, settings) -> providers.put(name,
                HttpUpstream.create(name, settings, webClients, httpClient, json)));
        providers.put(MoaProperties.DEMO_PROVIDER, new DemoUpstream(properties.demo().speed()));
        return new UpstreamRegistry(providers);
    }

    @Bean
    Mixtures mixtures(MoaProperties properties) {
        return new Mixtures(properties.models());
    }

    @Bean
    RouterFunction<ServerResponse> openAiRoutes(MoaProperties properties, Mixtures mixtures,
            UpstreamRegistry upstreams, JsonMapper json) {
        ChatCompletionsHandler chat = new ChatCompletionsHandler(mixtures, new MixtureRunner(upstreams), upstreams,
                json, properties.keepAliveInterval());
        return ApiRoutes.routes(chat, new ModelsHandler(mixtures));
    }

    @Bean
    RequestIdFilter requestIdFilter() {
        return new RequestIdFilter();
    }

    @Bean
    ApiKeyFilter apiKeyFilter(MoaProperties properties) {
        return new ApiKeyFilter(properties.apiKeys());
    }

    @Bean
    OpenAiErrorHandler openAiErrorHandler(JsonMapper json) {
        return new OpenAiErrorHandler(json);
    }
}
