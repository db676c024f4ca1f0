package dev.moagateway.responses;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.JsonNode;

/**
 * A {@code POST /v1/responses} request: the fields the gateway reads. {@code input} is a string or a list of
 * items, so it stays a JSON node, as do the parts that are passed on or echoed. Fields it does not use
 * ({@code include}, {@code prompt_cache_key}, {@code client_metadata}, ...) are kept in {@code extra} and go no
 * further: a chat-completions provider would refuse them.
 */
public record ResponsesRequest(
        String model,
        JsonNode input,
        String instructions,
        JsonNode tools,
        @JsonProperty("tool_choice") JsonNode toolChoice,
        @JsonProperty("parallel_tool_calls") Boolean parallelToolCalls,
        @JsonProperty("max_output_tokens") Integer maxOutputTokens,
        Double temperature,
        @JsonProperty("top_p") Double topP,
        JsonNode reasoning,
        JsonNode text,
        JsonNode metadata,
        Boolean store,
        Boolean stream,
        @JsonProperty("previous_response_id") String previousResponseId,
        JsonNode moa,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public ResponsesRequest {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    public boolean streamed() {
        return Boolean.TRUE.equals(stream);
    }

    /** Whether its response is kept for a later {@code previous_response_id}: unless it says not, as OpenAI does. */
    public boolean stored() {
        return !Boolean.FALSE.equals(store);
    }
}
