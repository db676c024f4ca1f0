package dev.moagateway.upstream;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One OpenAI-compatible provider, as configured under {@code moa.providers.<name>}. {@code maxConcurrency}
 * bounds the calls in flight to it, across all requests; calls past it wait their turn. {@code models} tells
 * what is known of some of its models, such as their prices; any other model can be called all the same.
 * {@code prefill} says whether it continues a trailing assistant message, as a staircase aggregator needs;
 * {@code toolMessages}, how its proposers are sent a conversation's tool calls and results.
 */
public record ProviderSettings(String baseUrl, String apiKey, Map<String, String> headers,
        @DefaultValue Timeouts timeouts, Integer maxConcurrency, List<ProviderModel> models,
        @DefaultValue("none") Prefill prefill, @DefaultValue("text") ToolMessages toolMessages) {

    public ProviderSettings {
        requireHttpUrl(baseUrl);
        if (maxConcurrency != null && maxConcurrency < 1) {
            throw new IllegalArgumentException("max-concurrency must be at least 1, got " + maxConcurrency);
        }
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        models = models == null ? List.of() : List.copyOf(models);
        prefill = prefill == null ? Prefill.NONE : prefill;
        toolMessages = toolMessages == null ? ToolMessages.TEXT : toolMessages;
    }

    private static void requireHttpUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("base-url is required");
        }
        try {
            URI uri = new URI(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("base-url must be an absolute http(s) URL, got '" + url + "'");
            }
        }
        catch (URISyntaxException ex) {
            throw new IllegalArgumentException("base-url is not a valid URL: '" + url + "'");
        }
    }

    /** The host and port calls go to: the unit a connection limit applies to. */
    public InetSocketAddress address() {
        URI uri = URI.create(baseUrl);
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        return InetSocketAddress.createUnresolved(uri.getHost(), port);
    }

    /** Keeps the key out of logs and failure messages. */
    @Override
    public String toString() {
        return "ProviderSettings[baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "none" : "****")
                + ", headers=" + headers.keySet() + ", timeouts=" + timeouts + ", maxConcurrency=" + maxConcurrency
                + ", models=" + models + ", prefill=" + prefill + ", toolMessages=" + toolMessages + "]";
    }
}
