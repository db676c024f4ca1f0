package dev.moagateway.messages;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.JsonNode;

/**
 * A {@code POST /v1/messages} request, Anthropic's Messages API: the fields the gateway reads. {@code system}
 * is a string or text blocks and each message's content a string or blocks, so they stay JSON nodes. Fields it
 * does not use ({@code context_management}, {@code output_config}, {@code metadata}, ...) are kept in
 * {@code extra} and go no further: a chat-completions provider would refuse them.
 */
public record MessagesRequest(
        String model,
        JsonNode system,
        JsonNode messages,
        @JsonProperty("max_tokens") Integer maxTokens,
        @JsonProperty("stop_sequences") JsonNode stopSequences,
        Double temperature,
        @JsonProperty("top_p") Double topP,
        @JsonProperty("top_k") Integer topK,
        JsonNode tools,
        @JsonProperty("tool_choice") JsonNode toolChoice,
        JsonNode thinking,
        Boolean stream,
        JsonNode moa,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public MessagesRequest {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    public boolean streamed() {
        return Boolean.TRUE.equals(stream);
    }
}
