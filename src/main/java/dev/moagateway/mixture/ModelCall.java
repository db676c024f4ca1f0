package dev.moagateway.mixture;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.ChatMessage;
import dev.moagateway.upstream.ModelRef;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.StringNode;

/**
 * One model's place in a mixture, a proposer or the aggregator, with the sampling parameters it uses
 * instead of the client's. {@code params} holds any other request field ({@code top_k: 40},
 * {@code seed: 7}); each value is read as JSON when it is JSON, else as a string.
 */
public record ModelCall(String model, Double temperature, Integer maxTokens, Double topP, String systemPrompt,
        Map<String, String> params) {

    public ModelCall {
        if (ModelRef.parse(model).isEmpty()) {
            throw new IllegalArgumentException("model must be 'provider/model', got '" + model + "'");
        }
        params = params == null ? Map.of() : Map.copyOf(params);
    }

    public ModelRef ref() {
        return ModelRef.parse(model).orElseThrow();
    }

    /** {@code request} as this model is sent it: its upstream model name, and its own parameters where set. */
    ChatCompletionRequest applyTo(ChatCompletionRequest request) {
        ChatCompletionRequest shaped = request.withModel(ref().model());
        if (temperature != null) {
            shaped = shaped.withTemperature(temperature);
        }
        if (topP != null) {
            shaped = shaped.withTopP(topP);
        }
        if (maxTokens != null) {
            shaped = shaped.withMaxTokens(maxTokens);
        }
        for (Map.Entry<String, JsonNode> param : parameters().entrySet()) {
            shaped = shaped.withExtra(param.getKey(), param.getValue());
        }
        if (systemPrompt != null && !systemPrompt.isBlank()) {
            List<ChatMessage> messages = new ArrayList<>(shaped.messages());
            messages.add(0, ChatMessage.of(ChatMessage.SYSTEM, systemPrompt));
            shaped = shaped.withMessages(messages);
        }
        return shaped;
    }

    private Map<String, JsonNode> parameters() {
        Map<String, JsonNode> parsed = new LinkedHashMap<>();
        params.forEach((name, value) -> parsed.put(name, jsonOrString(value)));
        return parsed;
    }

    private static JsonNode jsonOrString(String value) {
        try {
            return JsonMapper.shared().readTree(value);
        }
        catch (JacksonException notJson) {
            return StringNode.valueOf(value);
        }
    }
}
