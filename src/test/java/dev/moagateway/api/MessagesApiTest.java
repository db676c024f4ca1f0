package dev.moagateway.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.NotFoundException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import dev.moagateway.testing.GatewayTest;
import dev.moagateway.testing.SseFrames;
import dev.moagateway.testing.SseFrames.Frame;
import dev.moagateway.testing.UpstreamBodies;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Anthropic's Messages API over the same engine, through the official Anthropic Java SDK and on the wire. */
class MessagesApiTest extends GatewayTest {

    @BeforeEach
    void mixtureAnswers() {
        duoUpstreams();
    }

    @Test
    void aMixtureAnswersTheSdkWithAMessageWhoseUsageSumsEveryCall() {
        Message message = anthropic().messages().create(MessageCreateParams.builder().model("duo").maxTokens(1024)
                .system("Be brief.").addUserMessage("What is water?").build());

        assertThat(message.id()).startsWith("msg_");
        assertThat(message.content()).singleElement().satisfies(block -> assertThat(block.asText().text())
                .isEqualTo("Water is wet H2O."));
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message.usage().inputTokens()).isEqualTo(10 + 11 + 100);
        assertThat(message.usage().outputTokens()).isEqualTo(5 + 6 + 7);
        JsonNode aggregator = onlyRequestFor("agg");
        assertThat(aggregator.path("max_tokens").asInt()).isEqualTo(1024);
        assertThat(aggregator.path("messages").get(0).path("content").asString()).startsWith("Be brief.");
    }

    @Test
    void theSdkAccumulatesAStreamedAnswer() {
        Message message = streamed(MessageCreateParams.builder().model("duo").maxTokens(1024)
                .addUserMessage("What is water?").build());

        assertThat(message.content()).singleElement().satisfies(block -> assertThat(block.asText().text())
                .isEqualTo("Water is wet H2O."));
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message.usage().outputTokens()).isEqualTo(5 + 6 + 7);
    }

    @Test
    void theAggregatorsToolUseReachesTheSdkStreamedAndNotAndItsResultGoesBackAsAToolMessage() {
        aggregatorCallsWeather();

        Message answered = anthropic().messages().create(withWeatherTool().addUserMessage("Weather in Paris?").build());
        Message streamed = streamed(withWeatherTool().addUserMessage("Weather in Paris?").build());

        for (Message message : List.of(answered, streamed)) {
            assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
            ToolUseBlock use = message.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow()
                    .asToolUse();
            assertThat(use.id()).isEqualTo("call_1");
            assertThat(use.name()).isEqualTo("get_weather");
            assertThat(use._input().convert(Map.class)).isEqualTo(Map.of("city", "Paris"));
        }
        assertThat(requestsFor("p1")).allSatisfy(request -> assertThat(request.has("tools")).isFalse());
        assertThat(requestsFor("agg")).allSatisfy(request -> assertThat(request.path("tools").get(0).path("function")
                .path("name").asString()).isEqualTo("get_weather"));

        upstream.resetAll();
        duoUpstreams();
        anthropic().messages().create(withWeatherTool().addUserMessage("Weather in Paris?").addMessage(answered)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam
                        .builder().toolUseId("call_1").content("18 °C").build())))
                .build());

        JsonNode messages = onlyRequestFor("agg").path("messages");
        JsonNode assistant = messages.get(messages.size() - 2);
        assertThat(assistant.path("tool_calls").get(0).path("id").asString()).isEqualTo("call_1");
        assertThat(json.readTree(assistant.path("tool_calls").get(0).path("function").path("arguments").asString())
                .path("city").asString()).isEqualTo("Paris");
        JsonNode result = messages.get(messages.size() - 1);
        assertThat(result.path("role").asString()).isEqualTo("tool");
        assertThat(result.path("tool_call_id").asString()).isEqualTo("call_1");
        assertThat(result.path("content").asString()).isEqualTo("18 °C");
    }

    @Test
    void aStreamWithProgressHasAThinkingBlockThenTheTextInTheGoldenOrder() {
        List<Frame> frames = post("{\"model\": \"duo\", \"max_tokens\": 100, \"stream\": true, "
                + "\"moa\": {\"progress\": \"reasoning_content\"}, "
                + "\"messages\": [{\"role\": \"user\", \"content\": \"What is water?\"}]}", 200);

        assertThat(collapsed(frames)).containsExactly("message_start", "content_block_start", "content_block_delta",
                "content_block_stop", "content_block_start", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop");
        JsonNode thinking = json.readTree(frames.get(1).data()).path("content_block");
        assertThat(thinking.path("type").asString()).isEqualTo("thinking");
        assertThat(json.readTree(frames.get(2).data()).path("delta").path("type").asString())
                .isEqualTo("thinking_delta");
        JsonNode delta = json.readTree(frames.get(frames.size() - 2).data());
        assertThat(delta.path("delta").path("stop_reason").asString()).isEqualTo("end_turn");
        assertThat(delta.path("usage").path("output_tokens").asInt()).isEqualTo(5 + 6 + 7);
    }

    @Test
    void aClaudeCodeShapedRequestIsAnsweredWithNamedEvents() {
        List<Frame> frames = SseFrames.parse(web().post().uri("/v1/messages?beta=true")
                .contentType(MediaType.APPLICATION_JSON)
                .header("anthropic-version", "2023-06-01")
                .header("anthropic-beta", "claude-code-20250219,oauth-2025-04-20,interleaved-thinking-2025-05-14,"
                        + "fine-grained-tool-streaming-2025-05-14,context-management-2025-06-27,"
                        + "prompt-caching-scope-2026-01-05,effort-2025-11-24")
                .bodyValue("""
                        {"model": "duo", "max_tokens": 32000, "stream": true,
                         "thinking": {"type": "adaptive"}, "context_management": {"edits": []},
                         "output_config": {"effort": "high"}, "metadata": {"user_id": "u-1"},
                         "system": [{"type": "text", "text": "You are Claude Code."},
                                    {"type": "text", "text": "Be concise.", "cache_control": {"type": "ephemeral"}},
                                    {"type": "text", "text": "Env: linux."}],
                         "tools": [{"name": "Bash", "description": "Runs a command.", "input_schema":
                                     {"type": "object", "properties": {"command": {"type": "string"}}}},
                                   {"name": "Later", "description": "Loaded later.", "defer_loading": true,
                                    "input_schema": {"type": "object"}},
                                   {"type": "web_search_20250305", "name": "web_search", "max_uses": 5}],
                         "messages": [{"role": "user", "content": [{"type": "text", "text": "List the files."}]},
                                      {"role": "system", "content": "Reminder: stay in the repository."}]}""")
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody());

        assertThat(frames).allSatisfy(frame -> assertThat(frame.event()).isNotNull());
        assertThat(frames.get(frames.size() - 1).event()).isEqualTo("message_stop");
        JsonNode aggregator = onlyRequestFor("agg");
        assertThat(aggregator.path("tools")).extracting(tool -> tool.path("function").path("name").asString())
                .containsExactly("Bash", "Later");
        assertThat(aggregator.path("messages")).extracting(message -> message.path("role").asString())
                .containsExactly("system", "user", "system");
        assertThat(aggregator.path("messages").get(0).path("content").asString())
                .startsWith("You are Claude Code.\n\nBe concise.\n\nEnv: linux.");
        for (String dropped : List.of("thinking", "context_management", "output_config", "metadata")) {
            assertThat(aggregator.has(dropped)).as(dropped).isFalse();
        }
    }

    @Test
    void anAggregatorFailingMidStreamEndsTheStreamWithAnErrorEvent() {
        respond("agg", events(List.of(
                UpstreamBodies.chunk("agg", "{\"role\":\"assistant\",\"content\":\"\"}", null),
                UpstreamBodies.chunk("agg", "{\"content\":\"Water \"}", null))));

        List<Frame> frames = post("{\"model\": \"duo\", \"max_tokens\": 100, \"stream\": true, "
                + "\"messages\": [{\"role\": \"user\", \"content\": \"What is water?\"}]}", 200);

        assertThat(collapsed(frames)).containsExactly("message_start", "content_block_start", "content_block_delta",
                "content_block_stop", "error");
        JsonNode error = json.readTree(frames.get(frames.size() - 1).data());
        assertThat(error.path("type").asString()).isEqualTo("error");
        assertThat(error.path("error").path("type").asString()).isEqualTo("api_error");
        assertThat(error.path("error").path("message").asString()).isNotBlank();
    }

    @Test
    void errorsAreInAnthropicsShapeWithItsTypesAndTheSdkRaisesThem() {
        JsonNode missing = json.readTree(postBody("{\"model\": \"duo\", \"messages\": [{\"role\": \"user\", "
                + "\"content\": \"Hi\"}]}", 400));
        assertThat(missing.path("type").asString()).isEqualTo("error");
        assertThat(missing.path("error").path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(missing.path("error").path("message").asString()).contains("max_tokens");

        String unknownBlock = postBody("{\"model\": \"duo\", \"max_tokens\": 5, \"messages\": [{\"role\": \"user\", "
                + "\"content\": [{\"type\": \"document\"}]}]}", 400);
        assertThat(json.readTree(unknownBlock).path("error").path("message").asString())
                .contains("messages.0.content.0.type");

        String unauthenticated = anonymous().post().uri("/v1/messages").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{}").exchange().expectStatus().isUnauthorized().expectBody(String.class).returnResult()
                .getResponseBody();
        assertThat(json.readTree(unauthenticated).path("error").path("type").asString())
                .isEqualTo("authentication_error");

        assertThatThrownBy(() -> anthropic().messages().create(MessageCreateParams.builder().model("nope")
                .maxTokens(5).addUserMessage("Hi").build())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void theKeyMayComeAsXApiKeyWithAnthropicsHeadersAndTokensAreCounted() {
        String counted = anonymous().post().uri("/v1/messages/count_tokens").contentType(MediaType.APPLICATION_JSON)
                .header("x-api-key", API_KEY).header("anthropic-version", "2023-06-01")
                .header("anthropic-beta", "interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14")
                .bodyValue("{\"model\": \"duo\", \"system\": [{\"type\": \"text\", \"text\": \"Be brief.\", "
                        + "\"cache_control\": {\"type\": \"ephemeral\"}}], \"messages\": [{\"role\": \"user\", "
                        + "\"content\": \"What is water, in a few words?\"}]}")
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        assertThat(json.readTree(counted).path("input_tokens").asInt()).isBetween(10, 60);
    }

    private static void aggregatorCallsWeather() {
        respond("agg", events(List.of(
                UpstreamBodies.chunk("agg", "{\"role\":\"assistant\",\"content\":null}", null),
                UpstreamBodies.chunk("agg", "{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\"}}]}", null),
                UpstreamBodies.chunk("agg", "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                        + "\"\\\"Paris\\\"}\"}}]}", null),
                UpstreamBodies.chunk("agg", "{}", "\"tool_calls\""), UpstreamBodies.usageChunk("agg", 100, 20))));
    }

    private static MessageCreateParams.Builder withWeatherTool() {
        return MessageCreateParams.builder().model("duo").maxTokens(1024)
                .addTool(Tool.builder().name("get_weather").description("The weather in a city now.")
                        .inputSchema(Tool.InputSchema.builder()
                                .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
                                .addRequired("city")
                                .build())
                        .build());
    }

    /** The official SDK, with the key as its default header, x-api-key, and its own retries off. */
    private AnthropicClient anthropic() {
        return AnthropicOkHttpClient.builder().baseUrl(baseUrl()).apiKey(API_KEY).maxRetries(0)
                .timeout(Duration.ofSeconds(20)).build();
    }

    private Message streamed(MessageCreateParams params) {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = anthropic().messages().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        return accumulator.message();
    }

    /** The event types in order, a run of deltas as one. */
    private static List<String> collapsed(List<Frame> frames) {
        List<String> types = new ArrayList<>();
        for (Frame frame : frames) {
            boolean delta = frame.event().equals("content_block_delta");
            if (!(delta && !types.isEmpty() && types.get(types.size() - 1).equals(frame.event()))) {
                types.add(frame.event());
            }
        }
        return types;
    }

    private List<Frame> post(String body, int status) {
        return SseFrames.parse(postBody(body, status));
    }

    private String postBody(String body, int status) {
        return web().post().uri("/v1/messages").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isEqualTo(status).expectBody(String.class).returnResult().getResponseBody();
    }
}
