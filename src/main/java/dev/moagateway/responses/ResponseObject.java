package dev.moagateway.responses;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@code response} object as it starts, in progress: the request's settings echoed as OpenAI echoes them, with
 * its defaults where the request has none, so clients that read every field find each one.
 */
final class ResponseObject {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ResponseObject() {
    }

    static ObjectNode of(ResponsesRequest request, String id, long createdAt) {
        ObjectNode response = NODES.objectNode()
                .put("id", id)
                .put("object", "response")
                .put("created_at", createdAt)
                .put("status", "in_progress")
                .put("background", false)
                .put("model", request.model());
        response.set("error", NullNode.getInstance());
        response.set("incomplete_details", NullNode.getInstance());
        response.set("instructions", orNull(request.instructions() == null ? null
                : NODES.stringNode(request.instructions())));
        response.set("max_output_tokens", orNull(request.maxOutputTokens() == null ? null
                : NODES.numberNode(request.maxOutputTokens())));
        response.set("metadata", request.metadata() == null ? NODES.objectNode() : request.metadata());
        response.put("parallel_tool_calls", request.parallelToolCalls() == null || request.parallelToolCalls());
        response.set("previous_response_id", orNull(request.previousResponseId() == null ? null
                : NODES.stringNode(request.previousResponseId())));
        ObjectNode reasoning = NODES.objectNode();
        reasoning.set("effort", orNull(request.reasoning() == null ? null : request.reasoning().get("effort")));
        reasoning.set("summary", orNull(request.reasoning() == null ? null : request.reasoning().get("summary")));
        response.set("reasoning", reasoning);
        response.put("store", request.stored());
        response.put("temperature", request.temperature() == null ? 1.0 : request.temperature());
        if (request.text() != null && request.text().has("format")) {
            response.set("text", request.text());
        }
        else {
            response.putObject("text").putObject("format").put("type", "text");
        }
        response.set("tool_choice", request.toolChoice() == null ? NODES.stringNode("auto") : request.toolChoice());
        response.set("tools", request.tools() == null ? NODES.arrayNode() : request.tools());
        response.put("top_p", request.topP() == null ? 1.0 : request.topP());
        response.put("truncation", "disabled");
        response.set("usage", NullNode.getInstance());
        return response;
    }

    private static JsonNode orNull(JsonNode value) {
        return value == null ? NullNode.getInstance() : value;
    }
}
