package dev.moagateway.openai;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.StringNode;

/**
 * One message of a conversation, and also the {@code delta} of a streamed chunk.
 * {@code content} is a string or an array of parts (text, image_url, ...), so it stays a JSON node.
 * An assistant message may carry {@code tool_calls}; a {@code tool} message answers one, named by
 * {@code tool_call_id}. {@code name}, {@code refusal} and any newer field ride in {@code extra}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatMessage(String role, JsonNode content, @JsonProperty("tool_calls") List<ToolCall> toolCalls,
        @JsonProperty("tool_call_id") String toolCallId,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public static final String SYSTEM = "system";
    public static final String DEVELOPER = "developer";
    public static final String USER = "user";
    public static final String ASSISTANT = "assistant";
    public static final String TOOL = "tool";

    public ChatMessage {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    public ChatMessage(String role, JsonNode content, Map<String, JsonNode> extra) {
        this(role, content, null, null, extra);
    }

    public static ChatMessage of(String role, String text) {
        return new ChatMessage(role, StringNode.valueOf(text), null);
    }

    /** Whether it calls tools, or answers a tool call: a turn of a conversation with tools. */
    public boolean usesTools() {
        return toolCalls != null && !toolCalls.isEmpty() || toolCallId != null || TOOL.equals(role);
    }

    /** Whether, as a delta, it brings anything: a role, text, a tool call or another field. */
    public boolean shows() {
        return role != null || !text().isEmpty() || usesTools() || !extra.isEmpty();
    }

    /** This message with other content, and nothing else changed. */
    public ChatMessage withContent(JsonNode newContent) {
        return new ChatMessage(role, newContent, toolCalls, toolCallId, extra);
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
            return withContent(parts);
        }
        String current = text();
        return withContent(JsonNodeFactory.instance.stringNode(current.isEmpty() ? text : current + "\n\n" + text));
    }
}
