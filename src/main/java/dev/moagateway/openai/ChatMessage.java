package dev.moagateway.openai;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.StringNode;

/**
 * One message of a conversation, and also the {@code delta} of a streamed chunk.
 * {@code content} is a string or an array of parts (text, image_url, ...), so it stays a JSON node;
 * {@code tool_calls}, {@code name}, {@code tool_call_id} and any newer field ride in {@code extra}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatMessage(String role, JsonNode content,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public static final String SYSTEM = "system";
    public static final String DEVELOPER = "developer";
    public static final String USER = "user";
    public static final String ASSISTANT = "assistant";

    public ChatMessage {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    public static ChatMessage of(String role, String text) {
        return new ChatMessage(role, StringNode.valueOf(text), null);
    }

    public boolean givesInstructions() {
        return SYSTEM.equals(role) || DEVELOPER.equals(role);
    }

    /** The text of the content: the string itself, or the text parts joined by blank lines. */
    public String text() {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isString()) {
            return content.stringValue();
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode part : content) {
            if ("text".equals(part.path("type").asString(""))) {
                parts.add(part.path("text").asString(""));
            }
        }
        return String.join("\n\n", parts);
    }

    /** This message with {@code text} added after its content, keeping a parts array a parts array. */
    public ChatMessage withAppendedText(String text) {
        if (content != null && content.isArray()) {
            ArrayNode parts = ((ArrayNode) content).deepCopy();
            parts.addObject().put("type", "text").put("text", text);
            return new ChatMessage(role, parts, extra);
        }
        String current = text();
        JsonNode joined = JsonNodeFactory.instance.stringNode(current.isEmpty() ? text : current + "\n\n" + text);
        return new ChatMessage(role, joined, extra);
    }
}
