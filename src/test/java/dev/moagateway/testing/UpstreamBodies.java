package dev.moagateway.testing;

import java.util.List;
import java.util.stream.Collectors;

/** Bodies an OpenAI-compatible upstream answers with, for fake upstreams. */
public final class UpstreamBodies {

    private UpstreamBodies() {
    }

    public static String completion(String model, String text, int promptTokens, int completionTokens) {
        return """
                {"id":"up-%s","object":"chat.completion","created":1700000000,"model":"%s",\
                "choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"logprobs":null,\
                "finish_reason":"stop"}],\
                "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}"""
                .formatted(model, model, text, promptTokens, completionTokens, promptTokens + completionTokens);
    }

    /** A complete stream: role, one chunk per token, finish, usage, {@code [DONE]}. */
    public static String stream(String model, List<String> tokens, int promptTokens) {
        return stream(model, tokens, promptTokens, tokens.size());
    }

    /** As {@link #stream(String, List, int)}, with the completion's token count given. */
    public static String stream(String model, List<String> tokens, int promptTokens, int completionTokens) {
        StringBuilder body = new StringBuilder(event(chunk(model, "{\"role\":\"assistant\",\"content\":\"\"}", null)));
        tokens.forEach(token -> body.append(event(chunk(model, "{\"content\":\"" + token + "\"}", null))));
        body.append(event(chunk(model, "{}", "\"stop\"")));
        body.append(event(usageChunk(model, promptTokens, completionTokens)));
        return body.append("data: [DONE]\n\n").toString();
    }

    /** {@code text} cut before each space, so that the chunks join up to it again. */
    public static List<String> tokens(String text) {
        return List.of(text.split("(?= )"));
    }

    public static String chunk(String model, String delta, String finishReason) {
        return """
                {"id":"up-stream","object":"chat.completion.chunk","created":1700000000,"model":"%s",\
                "choices":[{"index":0,"delta":%s,"finish_reason":%s}]}""".formatted(model, delta, finishReason);
    }

    public static String usageChunk(String model, int promptTokens, int completionTokens) {
        return """
                {"id":"up-stream","object":"chat.completion.chunk","created":1700000000,"model":"%s","choices":[],\
                "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}"""
                .formatted(model, promptTokens, completionTokens, promptTokens + completionTokens);
    }

    public static String event(String data) {
        return "data: " + data + "\n\n";
    }

    public static String error(String message, String type) {
        return "{\"error\":{\"message\":\"%s\",\"type\":\"%s\",\"param\":null,\"code\":null}}".formatted(message, type);
    }

    public static String events(List<String> data) {
        return data.stream().map(UpstreamBodies::event).collect(Collectors.joining());
    }
}
