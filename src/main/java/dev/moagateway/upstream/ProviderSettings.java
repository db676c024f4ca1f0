package dev.moagateway.upstream;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

import org.springframework.boot.context.properties.bind.DefaultValue;

/** One OpenAI-compatible provider, as configured under {@code moa.providers.<name>}. */
public record ProviderSettings(String baseUrl, String apiKey, Map<String, String> headers,
        @DefaultValue Timeouts timeouts) {

    public ProviderSettings {
        requireHttpUrl(baseUrl);
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
        headers = headers == null ? Map.of() : Map.copyOf(headers);
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

    /** Keeps the key out of logs and failure messages. */
    @Override
    public String toString() {
        return "ProviderSettings[baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "none" : "****")
                + ", headers=" + headers.keySet() + ", timeouts=" + timeouts + "]";
    }
}
