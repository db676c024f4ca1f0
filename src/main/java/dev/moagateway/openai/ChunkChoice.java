package dev.moagateway.openai;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.JsonNode;

/**
 * One choice of a streamed chunk. {@code finish_reason} is written even when null, as OpenAI does, and is
 * an open string: backends send values no enum knows.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChunkChoice(Integer index, ChatMessage delta,
        @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("finish_reason") String finishReason,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public ChunkChoice {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }
}
