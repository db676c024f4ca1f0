package dev.moagateway.messages;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.ChatMessage;
import dev.moagateway.openai.InvalidInput;
import dev.moagateway.openai.ToolCall;
import dev.moagateway.openai.ToolCall.FunctionCall;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * A Messages request as the chat-completions request every provider and mixture takes: {@code system} a first
 * system message; {@code text} and {@code image} blocks chat parts; an assistant's {@code tool_use} blocks its
 * tool calls, each {@code tool_result} a tool message; custom tools chat function tools. Thinking blocks (whose
 * signatures only Anthropic can check) and server tools (web search, code execution) are left out.
 */
public final class ChatTranslation {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ChatTranslation() {
    }

    public static ChatCompletionRequest request(MessagesRequest request) {
        if (request.model() == null || request.model().isBlank()) {
            throw new InvalidInput("model", "model: Field required");
        }
        if (request.maxTokens() == null) {
            throw new InvalidInput("max_tokens", "max_tokens: Field required");
        }
        if (request.maxTokens() < 1) {
            throw new InvalidInput("max_tokens", "max_tokens: must be at least 1, got " + request.maxTokens());
        }
        List<ChatMessage> messages = new ArrayList<>();
        String system = text(request.system(), "system");
        if (!system.isBlank()) {
            messages.add(ChatMessage.of(ChatMessage.SYSTEM, system));
        }
        messages.addAll(messages(request.messages()));
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        JsonNode stops = request.stopSequences();
        if (stops != null && stops.isArray() && !stops.isEmpty()) {
            fields.put("stop", stops);
        }
        if (request.topK() != null) {
            fields.put("top_k", NODES.numberNode(request.topK()));
        }
        ArrayNode tools = tools(request.tools());
        if (!tools.isEmpty()) {
            fields.put("tools", tools);
            toolChoice(request.toolChoice(), fields);
        }
        String effort = effort(request.thinking());
        if (effort != null) {
            fields.put("reasoning_effort", StringNode.valueOf(effort));
        }
        return new ChatCompletionRequest(request.model(), messages, null, null, request.temperature(), request.topP(),
                request.maxTokens(), null, null, fields);
    }

    private static List<ChatMessage> messages(JsonNode messages) {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new InvalidInput("messages", "messages: a list of at least one message is required");
        }
        List<ChatMessage> chat = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String role = message.path("role").asString("");
            String at = "messages." + i;
            if (!List.of("user", "assistant", "system").contains(role)) {
                throw new InvalidInput(at + ".role", at + ".role: must be 'user' or 'assistant', got '" + role + "'");
            }
            JsonNode content = message.path("content");
            if (content.isString()) {
                chat.add(new ChatMessage(role, content, null));
            }
            else if (content.isArray()) {
                blocks(role, content, at, chat);
            }
            else {
                throw new InvalidInput(at + ".content", at + ".content: a string or a list of blocks is required");
            }
        }
        return chat;
    }

    /** One message's blocks: its text and images as one message; tool uses as its calls; results as tool messages. */
    private static void blocks(String role, JsonNode content, String at, List<ChatMessage> chat) {
        ArrayNode parts = NODES.arrayNode();
        List<ToolCall> calls = new ArrayList<>();
        for (int j = 0; j < content.size(); j++) {
            JsonNode block = content.get(j);
            String type = block.path("type").asString("");
            switch (type) {
                case "text" -> parts.addObject().put("type", "text").put("text", block.path("text").asString(""));
                case "image" -> parts.add(image(block.path("source"), at + ".content." + j));
                case "tool_use" -> calls.add(new ToolCall(null, block.path("id").asString(null), ToolCall.FUNCTION,
                        new FunctionCall(block.path("name").asString(""), block.path("input").toString(), null), null));
                case "tool_result" -> chat.add(new ChatMessage(ChatMessage.TOOL, StringNode.valueOf(
                        (block.path("is_error").asBoolean(false) ? "Error: " : "")
                                + text(block.path("content"), at + ".content." + j + ".content")),
                        null, block.path("tool_use_id").asString(null), null));
                case "thinking", "redacted_thinking" -> {
                }
                default -> throw new InvalidInput(at + ".content." + j + ".type", at + ".content." + j
                        + ".type: blocks of type '" + type + "' are not supported; send text, image, tool_use and "
                        + "tool_result");
            }
        }
        if (parts.isEmpty() && calls.isEmpty()) {
            return;
        }
        boolean textOnly = true;
        for (JsonNode part : parts) {
            textOnly &= part.path("type").asString().equals("text");
        }
        JsonNode body = parts.isEmpty() ? null : textOnly ? StringNode.valueOf(joined(parts)) : parts;
        chat.add(new ChatMessage(role, body, calls.isEmpty() ? null : calls, null, null));
    }

    private static ObjectNode image(JsonNode source, String at) {
        String url = switch (source.path("type").asString("")) {
            case "base64" -> "data:" + source.path("media_type").asString("image/png") + ";base64,"
                    + source.path("data").asString("");
            case "url" -> source.path("url").asString("");
            default -> throw new InvalidInput(at + ".source", at + ".source: an image's source must be base64 or url");
        };
        ObjectNode part = NODES.objectNode().put("type", "image_url");
        part.putObject("image_url").put("url", url);
        return part;
    }

    /** A string, or the text of text blocks joined. */
    private static String text(JsonNode value, String at) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "";
        }
        if (value.isString()) {
            return value.stringValue();
        }
        if (!value.isArray()) {
            throw new InvalidInput(at, at + ": a string or a list of text blocks is required");
        }
        List<String> texts = new ArrayList<>();
        value.forEach(block -> texts.add(block.path("text").asString("")));
        return String.join("\n\n", texts);
    }

    private static String joined(ArrayNode parts) {
        List<String> texts = new ArrayList<>();
        parts.forEach(part -> texts.add(part.path("text").asString("")));
        return String.join("\n\n", texts);
    }

    /** Custom tools in chat's shape; server tools, which have a type of their own, are left out. */
    private static ArrayNode tools(JsonNode tools) {
        ArrayNode chat = NODES.arrayNode();
        if (tools == null || !tools.isArray()) {
            return chat;
        }
        for (JsonNode tool : tools) {
            String type = tool.path("type").asString("custom");
            if (type.equals("custom") && tool.hasNonNull("name")) {
                ObjectNode function = chat.addObject().put("type", "function").putObject("function");
                function.put("name", tool.path("name").asString());
                if (tool.hasNonNull("description")) {
                    function.set("description", tool.get("description"));
                }
                function.set("parameters", tool.hasNonNull("input_schema") ? tool.get("input_schema")
                        : NODES.objectNode().put("type", "object"));
            }
        }
        return chat;
    }

    private static void toolChoice(JsonNode choice, Map<String, JsonNode> fields) {
        if (choice == null || !choice.isObject()) {
            return;
        }
        switch (choice.path("type").asString("")) {
            case "auto" -> fields.put("tool_choice", StringNode.valueOf("auto"));
            case "any" -> fields.put("tool_choice", StringNode.valueOf("required"));
            case "none" -> fields.put("tool_choice", StringNode.valueOf("none"));
            case "tool" -> {
                ObjectNode named = NODES.objectNode().put("type", "function");
                named.putObject("function").put("name", choice.path("name").asString(""));
                fields.put("tool_choice", named);
            }
            default -> {
            }
        }
        if (choice.path("disable_parallel_tool_use").asBoolean(false)) {
            fields.put("parallel_tool_calls", NODES.booleanNode(false));
        }
    }

    /** Extended thinking's budget as the reasoning effort chat-completions providers take; adaptive as theirs. */
    private static String effort(JsonNode thinking) {
        if (thinking == null || !thinking.path("type").asString("").equals("enabled")) {
            return null;
        }
        int budget = thinking.path("budget_tokens").asInt(0);
        return budget < 4096 ? "low" : budget < 16384 ? "medium" : "high";
    }
}
