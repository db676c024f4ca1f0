package dev.moagateway.openai;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.JsonNode;

/** One choice of a non-streaming completion; {@code logprobs} and newer fields ride in {@code extra}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Choice(Integer index, ChatMessage message,
        @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("finish_reason") String finishReason,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public Choice {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }
}
