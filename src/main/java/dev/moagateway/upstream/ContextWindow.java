package dev.moagateway.upstream;

import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.ChatMessage;
import dev.moagateway.openai.ToolCall;
import tools.jackson.databind.JsonNode;

/**
 * How many tokens a model's prompt and answer may take together, as configured under
 * {@code moa.providers.<name>.models[].context-window}, and how its prompts are counted.
 *
 * @param tokens  the window
 * @param counter the model's tokens, exact or estimated
 */
public record ContextWindow(int tokens, TokenCounter counter) {

    // OpenAI's accounting of chat prompts: a few tokens frame each message, three more prime the reply.
    private static final int PER_MESSAGE = 4;
    private static final int PRIMING = 3;
    // What a high-detail image of one 512 px tile costs; a larger image costs more, which the margin may not cover.
    private static final int PER_IMAGE = 765;
    // Without a cap of the request's, the answer is kept a quarter of the window, up to this.
    private static final int ANSWER_WITHOUT_CAP = 4096;

    public ContextWindow {
        if (tokens < 1) {
            throw new IllegalArgumentException("context-window must be at least 1, got " + tokens);
        }
    }

    /** The tokens left over once {@code request}'s answer has its room: what its prompt may take. */
    public int promptRoom(ChatCompletionRequest request) {
        Integer cap = request.maxCompletionTokens() != null ? request.maxCompletionTokens() : request.maxTokens();
        return tokens - (cap != null ? cap : Math.min(ANSWER_WITHOUT_CAP, tokens / 4));
    }

    /** Whether {@code request}'s prompt surely fits, known without encoding it. */
    public boolean surelyFits(ChatCompletionRequest request) {
        return measure(request, false) <= promptRoom(request);
    }

    /** {@code request}'s prompt, counted: its messages, their images and tool calls, and the tools it offers. */
    public int promptTokens(ChatCompletionRequest request) {
        return measure(request, true);
    }

    private int measure(ChatCompletionRequest request, boolean counted) {
        int total = PRIMING;
        for (ChatMessage message : request.messages()) {
            total += PER_MESSAGE + tokens(message.text(), counted) + images(message.content()) * PER_IMAGE;
            for (JsonNode field : message.extra().values()) {
                total += tokens(field.isString() ? field.stringValue() : field.toString(), counted);
            }
            if (message.toolCalls() != null) {
                for (ToolCall call : message.toolCalls()) {
                    total += tokens(call.name() + call.arguments(), counted);
                }
            }
        }
        JsonNode tools = request.extra().get("tools");
        return tools == null ? total : total + tokens(tools.toString(), counted);
    }

    private int tokens(String text, boolean counted) {
        return counted ? counter.count(text) : counter.upperBound(text);
    }

    private static int images(JsonNode content) {
        int images = 0;
        if (content != null && content.isArray()) {
            for (JsonNode part : content) {
                images += "image_url".equals(part.path("type").asString("")) ? 1 : 0;
            }
        }
        return images;
    }
}
