package dev.moagateway.mixture;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.ChatMessage;
import dev.moagateway.upstream.ContextWindow;
import dev.moagateway.upstream.Upstream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.StringNode;

/**
 * A {@link ModelCall} resolved at start: its provider found, its parameters parsed, so a request only
 * applies them.
 *
 * @param id       the configured {@code provider/model}, as traces and events name it
 * @param sample   which of its proposer's samples it is, from 1; null when the proposer is not sampled
 * @param provider      the provider's configured name
 * @param contextWindow the model's, or null when unknown
 */
record Member(String id, Integer sample, String provider, Upstream upstream, String upstreamModel, Double temperature,
        Integer maxTokens, Double topP, ChatMessage systemPrompt, Map<String, JsonNode> params,
        ContextWindow contextWindow) {

    /** The members a configured call makes: one, or one per sample. */
    static List<Member> of(ModelCall call, Upstream upstream, ContextWindow contextWindow) {
        List<Member> members = new ArrayList<>();
        for (int k = 0; k < call.samples(); k++) {
            members.add(sample(call, k, upstream, contextWindow));
        }
        return List.copyOf(members);
    }

    private static Member sample(ModelCall call, int k, Upstream upstream, ContextWindow contextWindow) {
        String prompt = call.systemPrompt(k);
        ChatMessage system = prompt == null || prompt.isBlank() ? null : ChatMessage.of(ChatMessage.SYSTEM, prompt);
        Map<String, JsonNode> params = new LinkedHashMap<>();
        call.params(k).forEach((name, value) -> params.put(name, jsonOrString(value)));
        return new Member(call.model(), call.sampled() ? k + 1 : null, call.ref().provider(), upstream,
                call.ref().model(), call.temperature(k), call.maxTokens(), call.topP(), system, Map.copyOf(params),
                contextWindow);
    }

    /** {@code request} as this model is sent it: its upstream model name, and its own parameters where set. */
    ChatCompletionRequest applyTo(ChatCompletionRequest request) {
        ChatCompletionRequest shaped = request.withModel(upstreamModel);
        if (temperature != null) {
            shaped = shaped.withTemperature(temperature);
        }
        if (topP != null) {
            shaped = shaped.withTopP(topP);
        }
        if (maxTokens != null) {
            shaped = shaped.withMaxTokens(maxTokens);
        }
        for (Map.Entry<String, JsonNode> param : params.entrySet()) {
            shaped = shaped.withExtra(param.getKey(), param.getValue());
        }
        if (systemPrompt != null) {
            List<ChatMessage> messages = new ArrayList<>(shaped.messages());
            messages.add(0, systemPrompt);
            shaped = shaped.withMessages(messages);
        }
        return shaped;
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
