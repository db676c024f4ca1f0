package dev.moagateway.mixture;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.ChatMessage;
import dev.moagateway.openai.ToolCall;
import dev.moagateway.upstream.ToolMessages;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * What the proposers and the analyst are sent: they advise, the aggregator acts. Of the client's request they get
 * no tools, tool choice, response format or log probabilities, so they answer in prose; the tools offered are
 * described in their instructions instead (and the format the answer will take), and the conversation's tool
 * calls and results are written out as text unless their provider takes them as they are.
 */
final class AdvisorPrompt {

    /** Fields only the aggregator acts on. */
    static final Set<String> AGGREGATOR_ONLY = Set.of("tools", "tool_choice", "parallel_tool_calls",
            "response_format", "logprobs", "top_logprobs", "functions", "function_call");

    static final String TOOLS_INSTRUCTION = """
            The application this conversation comes from offers the tools below, but you cannot call them here. \
            Where one would help, say which tool you would call, with which arguments, and why; where none is \
            needed, answer directly.""";

    private AdvisorPrompt() {
    }

    /** {@code request} as an advisor is sent it; the request itself when it has nothing only the aggregator gets. */
    static ChatCompletionRequest of(ChatCompletionRequest request, ToolMessages toolMessages) {
        boolean toolTurns = toolMessages == ToolMessages.TEXT
                && request.messages().stream().anyMatch(ChatMessage::usesTools);
        if (!toolTurns && AGGREGATOR_ONLY.stream().noneMatch(request.extra()::containsKey)) {
            return request;
        }
        Map<String, JsonNode> fields = new LinkedHashMap<>(request.extra());
        fields.keySet().removeAll(AGGREGATOR_ONLY);
        List<ChatMessage> messages = toolTurns ? asText(request.messages()) : request.messages();
        String brief = brief(request.extra());
        if (!brief.isEmpty()) {
            messages = AggregationPrompt.framed(messages, brief);
        }
        return request.withMessages(messages).withExtras(fields);
    }

    /** The instructions on the tools offered and the answer's format, or empty when there are none. */
    private static String brief(Map<String, JsonNode> request) {
        List<String> parts = new ArrayList<>();
        List<JsonNode> tools = new ArrayList<>();
        // Legacy functions are tools of an older shape, as OpenAI still takes them.
        request.getOrDefault("tools", MissingNode.getInstance()).forEach(tools::add);
        request.getOrDefault("functions", MissingNode.getInstance()).forEach(tools::add);
        JsonNode choice = request.getOrDefault("tool_choice", request.get("function_call"));
        boolean usable = choice == null || !choice.isString() || !choice.stringValue().equals("none");
        if (!tools.isEmpty() && usable) {
            StringBuilder text = new StringBuilder(TOOLS_INSTRUCTION).append(required(choice)).append("\n<tools>");
            tools.forEach(tool -> text.append('\n').append(describe(tool)));
            parts.add(text.append("\n</tools>").toString());
        }
        JsonNode format = request.get("response_format");
        String type = format == null ? "" : format.path("type").asString("");
        if (type.equals("json_schema")) {
            parts.add("The final answer will be JSON that matches this schema; say in prose what it should hold:\n"
                    + format.path("json_schema").path("schema"));
        }
        else if (type.equals("json_object")) {
            parts.add("The final answer will be a JSON object; say in prose what it should hold.");
        }
        return String.join("\n\n", parts);
    }

    private static String required(JsonNode choice) {
        if (choice != null && choice.isString() && choice.stringValue().equals("required")) {
            return " This turn must call a tool.";
        }
        String name = choice == null ? "" : choice.path("function").path("name").asString(choice.path("name")
                .asString(""));
        return name.isEmpty() ? "" : " This turn must call " + name + ".";
    }

    /** One tool, a function of either shape or a custom one: its name, what it does and its parameters' schema. */
    private static String describe(JsonNode tool) {
        String type = tool.path("type").asString("function");
        JsonNode function = tool.has(type) ? tool.path(type) : tool;
        StringBuilder line = new StringBuilder("- ").append(function.path("name").asString(type));
        String description = function.path("description").asString("");
        if (!description.isBlank()) {
            line.append(": ").append(description.strip());
        }
        JsonNode parameters = function.path("parameters");
        if (parameters.isObject()) {
            line.append(" Parameters (JSON schema): ").append(parameters);
        }
        return line.toString();
    }

    /**
     * The conversation with each tool call written into its assistant message, and the results of a turn's calls
     * as one user message that names the call each answers.
     */
    private static List<ChatMessage> asText(List<ChatMessage> conversation) {
        Map<String, String> names = new HashMap<>();
        List<ChatMessage> messages = new ArrayList<>(conversation.size());
        boolean afterResult = false;
        for (ChatMessage message : conversation) {
            boolean result = message.toolCallId() != null || ChatMessage.TOOL.equals(message.role());
            if (result) {
                String name = names.getOrDefault(message.toolCallId(), "");
                String text = "Result of tool call " + message.toolCallId() + (name.isEmpty() ? "" : " (" + name + ")")
                        + ":\n" + message.text();
                messages.add(afterResult ? messages.remove(messages.size() - 1).withAppendedText(text)
                        : ChatMessage.of(ChatMessage.USER, text));
            }
            else if (message.toolCalls() != null && !message.toolCalls().isEmpty()) {
                StringBuilder text = new StringBuilder(message.text());
                for (ToolCall call : message.toolCalls()) {
                    names.put(call.id(), call.name());
                    text.append(text.isEmpty() ? "" : "\n\n").append("Tool call ").append(call.id()).append(": ")
                            .append(call.name()).append(' ').append(call.arguments());
                }
                messages.add(ChatMessage.of(ChatMessage.ASSISTANT, text.toString()));
            }
            else {
                messages.add(message);
            }
            afterResult = result;
        }
        return messages;
    }
}
