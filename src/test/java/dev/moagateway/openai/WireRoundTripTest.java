package dev.moagateway.openai;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class WireRoundTripTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void requestKeepsFieldsItDoesNotKnow() {
        String body = """
                {"model":"m","messages":[{"role":"user","content":"hi","name":"ann"}],"stream":true,\
                "stream_options":{"include_usage":true,"continuous":false},"temperature":0.2,"top_k":40,\
                "tools":[{"type":"function","function":{"name":"f"}}],"reasoning_effort":"low"}""";

        ChatCompletionRequest request = json.readValue(body, ChatCompletionRequest.class);

        assertThat(request.streamed()).isTrue();
        assertThat(request.includeUsage()).isTrue();
        assertThat(request.extra()).containsOnlyKeys("top_k", "tools", "reasoning_effort");
        assertThat(json.readTree(json.writeValueAsString(request))).isEqualTo(json.readTree(body));
    }

    @Test
    void messageContentMayBeAnArrayOfParts() {
        String body = """
                {"role":"user","content":[{"type":"text","text":"What is this?"},\
                {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]}""";

        ChatMessage message = json.readValue(body, ChatMessage.class);

        assertThat(message.text()).isEqualTo("What is this?");
        assertThat(json.readTree(json.writeValueAsString(message))).isEqualTo(json.readTree(body));
        assertThat(message.withAppendedText("More.").content()).hasSize(3);
    }

    @Test
    void chunkWritesFieldsInOpenAiOrderWithExplicitNullFinishReason() {
        ChatCompletionChunk chunk = new ChatCompletionChunk("chatcmpl-1", ChatCompletionChunk.OBJECT, 1694268190L, "m",
                List.of(new ChunkChoice(0, ChatMessage.of("assistant", ""), null, null)), null, null);

        assertThat(json.writeValueAsString(chunk)).isEqualTo("""
                {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1694268190,"model":"m",\
                "choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}""");
    }

    @Test
    void usageChunkHasEmptyChoices() {
        ChatCompletionChunk chunk = ChatCompletionChunk.usage("chatcmpl-1", 1L, "m", new Usage(9, 12, 21));

        assertThat(json.writeValueAsString(chunk)).isEqualTo("""
                {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],\
                "usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21}}""");
    }

    @Test
    void upstreamErrorEventIsRecognised() {
        ChatCompletionChunk chunk = json.readValue("""
                {"error":{"message":"overloaded","type":"server_error"}}""", ChatCompletionChunk.class);

        assertThat(chunk.extra().get("error").path("message").asString()).isEqualTo("overloaded");
    }

    @Test
    void errorBodyAlwaysHasFourKeys() {
        assertThat(json.writeValueAsString(new ErrorResponse(new ErrorDetail("bad", "invalid_request_error", null, null))))
                .isEqualTo("{\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}");
    }
}
