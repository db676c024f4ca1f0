package dev.moagateway.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.moagateway.mixture.Progress;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.StringNode;

/**
 * The message fields that carry reasoning: vLLM, DeepSeek and most OpenAI-compatible servers send
 * {@code reasoning_content}, OpenRouter and newer vLLM {@code reasoning}. A mixture's progress account goes
 * into the ones its {@link Progress} names, and so does the aggregator's own reasoning.
 */
final class ReasoningFields {

    static final String REASONING_CONTENT = "reasoning_content";
    static final String REASONING = "reasoning";

    private ReasoningFields() {
    }

    /** The fields this mode writes the account into: none for {@code none} and {@code think-tags}. */
    static List<String> of(Progress mode) {
        return switch (mode) {
            case REASONING_CONTENT -> List.of(REASONING_CONTENT);
            case REASONING -> List.of(REASONING);
            case BOTH -> List.of(REASONING_CONTENT, REASONING);
            case NONE, THINK_TAGS -> List.of();
        };
    }

    /** Message fields with {@code text} in each field of the mode. */
    static Map<String, JsonNode> fields(Progress mode, String text) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        of(mode).forEach(name -> fields.put(name, StringNode.valueOf(text)));
        return fields;
    }

    /** The reasoning a provider sent in {@code fields}, or null when there is none. */
    static String text(Map<String, JsonNode> fields) {
        JsonNode content = fields.get(REASONING_CONTENT);
        JsonNode text = content != null && content.isString() ? content : fields.get(REASONING);
        return text != null && text.isString() ? text.stringValue() : null;
    }

    /** As {@link #text}, removing both fields from {@code fields}. */
    static String take(Map<String, JsonNode> fields) {
        String text = text(fields);
        fields.remove(REASONING_CONTENT);
        fields.remove(REASONING);
        return text;
    }
}
