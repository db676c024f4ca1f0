package dev.moagateway.openai;

import java.util.List;

import tools.jackson.databind.json.JsonMapper;

/**
 * Jackson builds a type's serializer and deserializer on first use, under a lock. Using every wire type once
 * at start keeps that lock, and the time it takes, off the event loops that serve the first requests.
 */
public final class WireTypes {

    private static final String REQUEST = """
            {"model":"m","messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text",\
            "text":"t"}]}],"stream":true,"stream_options":{"include_usage":true},"temperature":1,"top_p":1,\
            "max_tokens":1,"max_completion_tokens":1,"n":1,"seed":1,"tools":[{"type":"function"}]}""";
    private static final String COMPLETION = """
            {"id":"i","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":\
            {"role":"assistant","content":"c","refusal":null},"logprobs":null,"finish_reason":"stop"}],\
            "usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2},"system_fingerprint":null}""";
    private static final String CHUNK = """
            {"id":"i","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":\
            {"role":"assistant","content":"c"},"logprobs":null,"finish_reason":null}],\
            "usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""";

    private WireTypes() {
    }

    public static void warmUp(JsonMapper json) {
        json.writeValueAsString(json.readValue(REQUEST, ChatCompletionRequest.class));
        json.writeValueAsString(json.readValue(COMPLETION, ChatCompletion.class));
        json.writeValueAsString(json.readValue(CHUNK, ChatCompletionChunk.class));
        json.writeValueAsString(new ErrorResponse(new ErrorDetail("m", "t", null, null)));
        json.writeValueAsString(ModelList.of(List.of(Model.of("m", 1, "o"))));
        json.readTree(COMPLETION);
    }
}
