package dev.moagateway.messages;

import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** An error in Anthropic's shape, {@code {"type": "error", "error": {"type": ..., "message": ...}}}. */
public final class AnthropicError {

    private AnthropicError() {
    }

    /** The body for an error of this HTTP status; also the {@code error} event of a stream that failed. */
    public static ObjectNode of(int status, String message) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("type", "error");
        body.putObject("error").put("type", type(status)).put("message", message);
        return body;
    }

    /** Anthropic's error type for a status, as its SDKs map them back. */
    static String type(int status) {
        return switch (status) {
            case 400, 405, 415, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            case 504 -> "timeout_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }
}
