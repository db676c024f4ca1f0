package dev.moagateway.responses;

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
 * A Responses request as the chat-completions request every provider and mixture takes. Input items become
 * messages ({@code input_text} and {@code input_image} parts as chat parts, {@code function_call} items as an
 * assistant message's tool calls, {@code function_call_output} as tool messages); {@code instructions} a first
 * system message; function tools chat tools. Tools a chat-completions provider cannot take (web search,
 * namespaces, custom tools) are left out, as are reasoning items, which only OpenAI can read back.
 */
public final class ChatTranslation {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ChatTranslation() {
    }

    /** The chat request for {@code conversation}: the earlier turns and this request's input, as messages. */
    public static ChatCompletionRequest request(ResponsesRequest request, List<ChatMessage> conversation) {
        List<ChatMessage> messages = new ArrayList<>();
        if (request.instructions() != null && !request.instructions().isBlank()) {
            messages.add(ChatMessage.of(ChatMessage.SYSTEM, request.instructions()));
        }
        messages.addAll(conversation);
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        ArrayNode tools = tools(request.tools());
        if (!tools.isEmpty()) {
            fields.put("tools", tools);
            JsonNode choice = toolChoice(request.toolChoice());
            if (choice != null) {
                fields.put("tool_choice", choice);
            }
            if (request.parallelToolCalls() != null) {
                fields.put("parallel_tool_calls", NODES.booleanNode(request.parallelToolCalls()));
            }
        }
        JsonNode effort = request.reasoning() == null ? null : request.reasoning().get("effort");
        if (effort != null && effort.isString()) {
            fields.put("reasoning_effort", effort);
        }
        JsonNode format = responseFormat(request.text());
        if (format != null) {
            fields.put("response_format", format);
        }
        return new ChatCompletionRequest(request.model(), messages, null, null, request.temperature(),
                request.topP(), request.maxOutputTokens(), null, null, fields);
    }

    /** The input as chat messages: a string is one user message. */
    public static List<ChatMessage> messages(JsonNode input) {
        if (input == null || input.isNull()) {
            throw new InvalidInput("input", "Missing required parameter: 'input'.");
        }
        if (input.isString()) {
            return List.of(ChatMessage.of(ChatMessage.USER, input.stringValue()));
        }
        if (!input.isArray()) {
            throw new InvalidInput("input", "'input' must be a string or a list of items.");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            String type = item.path("type").asString("message");
            switch (type) {
                case "message" -> messages.add(message(item, "input[" + i + "]"));
                case "function_call" -> calls(messages).add(new ToolCall(null, item.path("call_id").asString(null),
                        ToolCall.FUNCTION, new FunctionCall(item.path("name").asString(""),
                                item.path("arguments").asString(""), null), null));
                case "function_call_output" -> messages.add(new ChatMessage(ChatMessage.TOOL,
                        output(item.path("output")), null, item.path("call_id").asString(null), null));
                case "reasoning" -> {
                }
                default -> throw new InvalidInput("input[" + i + "].type", "Input items of type '" + type
                        + "' are not supported; send message, function_call and function_call_output items.");
            }
        }
        return messages;
    }

    /** The tool calls of the assistant message the conversation ends with, a new one when it does not. */
    private static List<ToolCall> calls(List<ChatMessage> messages) {
        ChatMessage last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        if (last != null && ChatMessage.ASSISTANT.equals(last.role()) && last.toolCalls() != null) {
            return last.toolCalls();
        }
        List<ToolCall> calls = new ArrayList<>();
        JsonNode content = last != null && ChatMessage.ASSISTANT.equals(last.role()) ? last.content() : null;
        if (content != null) {
            messages.remove(messages.size() - 1);
        }
        messages.add(new ChatMessage(ChatMessage.ASSISTANT, content, calls, null, null));
        return calls;
    }

    private static ChatMessage message(JsonNode item, String param) {
        String given = item.path("role").asString("");
        if (given.isEmpty()) {
            throw new InvalidInput(param + ".role", "Missing required parameter: '" + param + ".role'.");
        }
        // Instructions as every chat-completions server takes them; some know no developer role.
        String role = given.equals(ChatMessage.DEVELOPER) ? ChatMessage.SYSTEM : given;
        JsonNode content = item.path("content");
        if (content.isString()) {
            return new ChatMessage(role, content, null);
        }
        if (!content.isArray()) {
            throw new InvalidInput(param + ".content", "'" + param + ".content' must be a string or a list of parts.");
        }
        ArrayNode parts = NODES.arrayNode();
        for (JsonNode part : content) {
            switch (part.path("type").asString("")) {
                case "input_text", "output_text", "text" -> parts.addObject().put("type", "text")
                        .put("text", part.path("text").asString(""));
                case "input_image" -> {
                    ObjectNode image = parts.addObject().put("type", "image_url").putObject("image_url");
                    image.put("url", part.path("image_url").asString(""));
                    if (part.has("detail")) {
                        image.set("detail", part.get("detail"));
                    }
                }
                case "refusal" -> parts.addObject().put("type", "text").put("text", part.path("refusal").asString(""));
                default -> throw new InvalidInput(param + ".content", "Content parts of type '"
                        + part.path("type").asString("") + "' are not supported; send input_text and input_image.");
            }
        }
        // A message of text alone is sent as a string: every provider takes that, some take no parts.
        boolean textOnly = true;
        for (JsonNode part : parts) {
            textOnly &= part.path("type").asString().equals("text");
        }
        return new ChatMessage(role, textOnly ? StringNode.valueOf(joined(parts)) : parts, null);
    }

    private static String joined(ArrayNode parts) {
        List<String> texts = new ArrayList<>();
        parts.forEach(part -> texts.add(part.path("text").asString("")));
        return String.join("\n\n", texts);
    }

    /** A function's output: a string, or parts of which the text is kept. */
    private static JsonNode output(JsonNode output) {
        if (output.isString()) {
            return output;
        }
        List<String> texts = new ArrayList<>();
        output.forEach(part -> texts.add(part.path("text").asString("")));
        return StringNode.valueOf(output.isArray() ? String.join("\n\n", texts) : output.toString());
    }

    /** Function tools in chat's shape; the others are left out. */
    private static ArrayNode tools(JsonNode tools) {
        ArrayNode chat = NODES.arrayNode();
        if (tools == null) {
            return chat;
        }
        for (JsonNode tool : tools) {
            if (tool.path("type").asString("").equals("function")) {
                ObjectNode function = chat.addObject().put("type", "function").putObject("function");
                function.put("name", tool.path("name").asString(""));
                for (String field : List.of("description", "parameters", "strict")) {
                    if (tool.hasNonNull(field)) {
                        function.set(field, tool.get(field));
                    }
                }
            }
        }
        return chat;
    }

    private static JsonNode toolChoice(JsonNode choice) {
        if (choice == null || choice.isString()) {
            return choice;
        }
        if (choice.path("type").asString("").equals("function")) {
            ObjectNode named = NODES.objectNode().put("type", "function");
            named.putObject("function").put("name", choice.path("name").asString(""));
            return named;
        }
        return null;
    }

    /** {@code text.format} as chat's {@code response_format}; plain text needs none. */
    private static JsonNode responseFormat(JsonNode text) {
        JsonNode format = text == null ? null : text.get("format");
        String type = format == null ? "text" : format.path("type").asString("text");
        if (type.equals("json_object")) {
            return NODES.objectNode().put("type", "json_object");
        }
        if (!type.equals("json_schema")) {
            return null;
        }
        ObjectNode schema = NODES.objectNode();
        for (String field : List.of("name", "description", "schema", "strict")) {
            if (format.hasNonNull(field)) {
                schema.set(field, format.get(field));
            }
        }
        ObjectNode chat = NODES.objectNode().put("type", "json_schema");
        chat.set("json_schema", schema);
        return chat;
    }
}
