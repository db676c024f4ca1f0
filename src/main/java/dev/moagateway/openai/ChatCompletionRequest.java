package dev.moagateway.openai;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.JsonNode;

/**
 * A chat-completions request. Only the fields the gateway reads or overrides are typed; every other
 * field (tools, stop, seed, response_format, vendor extensions, fields OpenAI adds next year) is kept
 * in {@code extra} and sent upstream exactly as received.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletionRequest(
        String model,
        List<ChatMessage> messages,
        Boolean stream,
        @JsonProperty("stream_options") StreamOptions streamOptions,
        Double temperature,
        @JsonProperty("top_p") Double topP,
        @JsonProperty("max_tokens") Integer maxTokens,
        @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
        Integer n,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public ChatCompletionRequest {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    public static ChatCompletionRequest of(String model, List<ChatMessage> messages) {
        return new ChatCompletionRequest(model, messages, null, null, null, null, null, null, null, null);
    }

    public boolean streamed() {
        return Boolean.TRUE.equals(stream);
    }

    public boolean includeUsage() {
        return streamOptions != null && Boolean.TRUE.equals(streamOptions.includeUsage());
    }

    /** Whether it offers the model tools to call. */
    public boolean offersTools() {
        JsonNode tools = extra.get("tools");
        return tools != null && tools.isArray() && !tools.isEmpty();
    }

    public ChatCompletionRequest withModel(String newModel) {
        return new ChatCompletionRequest(newModel, messages, stream, streamOptions, temperature, topP, maxTokens,
                maxCompletionTokens, n, extra);
    }

    public ChatCompletionRequest withMessages(List<ChatMessage> newMessages) {
        return new ChatCompletionRequest(model, newMessages, stream, streamOptions, temperature, topP, maxTokens,
                maxCompletionTokens, n, extra);
    }

    /** This request as a streaming one that asks for the usage chunk. */
    public ChatCompletionRequest asStreamWithUsage() {
        StreamOptions options = streamOptions == null ? StreamOptions.withUsage()
                : new StreamOptions(true, streamOptions.extra());
        return new ChatCompletionRequest(model, messages, true, options, temperature, topP, maxTokens,
                maxCompletionTokens, n, extra);
    }

    /** This request as a single-answer, non-streaming one. */
    public ChatCompletionRequest asSingleCompletion() {
        return new ChatCompletionRequest(model, messages, null, null, temperature, topP, maxTokens,
                maxCompletionTokens, null, extra);
    }

    public ChatCompletionRequest withTemperature(Double value) {
        return new ChatCompletionRequest(model, messages, stream, streamOptions, value, topP, maxTokens,
                maxCompletionTokens, n, extra);
    }

    public ChatCompletionRequest withTopP(Double value) {
        return new ChatCompletionRequest(model, messages, stream, streamOptions, temperature, value, maxTokens,
                maxCompletionTokens, n, extra);
    }

    /** Caps the answer's length; {@code max_tokens} is the field every OpenAI-compatible server knows. */
    public ChatCompletionRequest withMaxTokens(Integer value) {
        return new ChatCompletionRequest(model, messages, stream, streamOptions, temperature, topP, value,
                null, n, extra);
    }

    /** This request with {@code fields} as its other fields, instead of those it has. */
    public ChatCompletionRequest withExtras(Map<String, JsonNode> fields) {
        return new ChatCompletionRequest(model, messages, stream, streamOptions, temperature, topP, maxTokens,
                maxCompletionTokens, n, fields);
    }

    public ChatCompletionRequest withExtra(String name, JsonNode value) {
        Map<String, JsonNode> merged = new LinkedHashMap<>(extra);
        merged.put(name, value);
        return new ChatCompletionRequest(model, messages, stream, streamOptions, temperature, topP, maxTokens,
                maxCompletionTokens, n, merged);
    }
}
