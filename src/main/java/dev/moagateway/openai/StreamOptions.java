package dev.moagateway.openai;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.JsonNode;

/** {@code stream_options} of a request. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StreamOptions(@JsonProperty("include_usage") Boolean includeUsage,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public StreamOptions {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    public static StreamOptions withUsage() {
        return new StreamOptions(true, null);
    }
}
