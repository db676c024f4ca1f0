package dev.moagateway.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ToolChoiceOptions;
import dev.moagateway.testing.GatewayTest;
import dev.moagateway.testing.SseFrames;
import dev.moagateway.testing.SseFrames.Frame;
import dev.moagateway.testing.UpstreamBodies;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The Responses API over the same engine, through the official SDK's {@code responses()} and on the wire. */
class ResponsesApiTest extends GatewayTest {

    private static final String WEATHER = "{\"city\":\"Paris\"}";

    @BeforeEach
    void mixtureAnswers() {
        duoUpstreams();
    }

    @Test
    void aMixtureAnswersTheSdkWithAResponseWhoseUsageSumsEveryCall() {
        Response response = sdk().responses().create(ResponseCreateParams.builder()
                .model("duo").instructions("Be brief.").input("What is water?").build());

        assertThat(response.id()).startsWith("resp_");
        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        assertThat(response.model().asString()).isEqualTo("duo");
        assertThat(response.output()).singleElement().satisfies(item -> assertThat(item.asMessage().content().get(0)
                .asOutputText().text()).isEqualTo("Water is wet H2O."));
        assertThat(response.usage().orElseThrow().totalTokens()).isEqualTo(15 + 17 + 107);
        JsonNode aggregator = onlyRequestFor("agg");
        assertThat(aggregator.path("messages").get(0).path("content").asString())
                .startsWith("Be brief.").contains("Alpha says water is wet.");
        assertThat(aggregator.path("messages").get(1).path("content").asString()).isEqualTo("What is water?");
    }

    @Test
    void theSdkReadsAStreamedAnswerToItsCompletedEvent() {
        List<ResponseStreamEvent> events = streamed(ResponseCreateParams.builder().model("duo").input("What is water?")
                .build());

        StringBuilder text = new StringBuilder();
        events.stream().filter(ResponseStreamEvent::isOutputTextDelta)
                .forEach(event -> text.append(event.asOutputTextDelta().delta()));
        assertThat(text.toString()).isEqualTo("Water is wet H2O.");
        assertThat(events.get(0).isCreated()).isTrue();
        ResponseStreamEvent last = events.get(events.size() - 1);
        assertThat(last.isCompleted()).isTrue();
        assertThat(last.asCompleted().response().usage().orElseThrow().outputTokens()).isEqualTo(5 + 6 + 7);
    }

    @Test
    void aFunctionCallOfTheAggregatorReachesTheSdkAndItsOutputGoesOnWithThePreviousResponse() {
        aggregatorCallsWeather();

        Response first = sdk().responses().create(withWeatherTool().input("Weather in Paris?").build());

        ResponseFunctionToolCall call = first.output().stream().filter(ResponseOutputItem::isFunctionCall)
                .findFirst().orElseThrow().asFunctionCall();
        assertThat(call.callId()).isEqualTo("call_1");
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isEqualTo(WEATHER);
        JsonNode offered = onlyRequestFor("agg");
        assertThat(offered.path("tools").get(0).path("function").path("name").asString()).isEqualTo("get_weather");
        assertThat(offered.path("tool_choice").asString()).isEqualTo("auto");
        assertThat(onlyRequestFor("p1").has("tools")).isFalse();

        upstream.resetAll();
        duoUpstreams();
        answer("agg", "It is 18 degrees in Paris.", 100, 7);
        Response second = sdk().responses().create(withWeatherTool()
                .previousResponseId(first.id())
                .inputOfResponse(List.of(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput
                        .builder().callId("call_1").output("18 °C").build())))
                .build());

        assertThat(second.output().get(0).asMessage().content().get(0).asOutputText().text())
                .isEqualTo("It is 18 degrees in Paris.");
        JsonNode messages = onlyRequestFor("agg").path("messages");
        assertThat(messages.get(1).path("content").asString()).isEqualTo("Weather in Paris?");
        assertThat(messages.get(2).path("tool_calls").get(0).path("function").path("arguments").asString())
                .isEqualTo(WEATHER);
        assertThat(messages.get(3).path("role").asString()).isEqualTo("tool");
        assertThat(messages.get(3).path("tool_call_id").asString()).isEqualTo("call_1");
        assertThat(messages.get(3).path("content").asString()).isEqualTo("18 °C");
    }

    @Test
    void aStreamedFunctionCallHasItsArgumentsAsDeltasThenDone() {
        aggregatorCallsWeather();

        List<ResponseStreamEvent> events = streamed(withWeatherTool().input("Weather in Paris?").build());

        StringBuilder arguments = new StringBuilder();
        events.stream().filter(ResponseStreamEvent::isFunctionCallArgumentsDelta)
                .forEach(event -> arguments.append(event.asFunctionCallArgumentsDelta().delta()));
        assertThat(arguments.toString()).isEqualTo(WEATHER);
        assertThat(events.stream().filter(ResponseStreamEvent::isFunctionCallArgumentsDone).findFirst().orElseThrow()
                .asFunctionCallArgumentsDone().arguments()).isEqualTo(WEATHER);
        assertThat(events.get(events.size() - 1).asCompleted().response().output()).last()
                .satisfies(item -> assertThat(item.asFunctionCall().name()).isEqualTo("get_weather"));
    }

    @Test
    void aStreamWithProgressOpensWithAReasoningSummaryThenTheMessageInTheGoldenOrder() {
        List<Frame> frames = post("{\"model\": \"duo\", \"stream\": true, \"input\": \"What is water?\", "
                + "\"moa\": {\"progress\": \"reasoning_content\"}}");

        List<String> types = collapsed(frames);
        assertThat(types).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.reasoning_summary_part.added", "response.reasoning_summary_text.delta",
                "response.reasoning_summary_text.done", "response.reasoning_summary_part.done",
                "response.output_item.done", "response.output_item.added", "response.content_part.added",
                "response.output_text.delta", "response.output_text.done", "response.content_part.done",
                "response.output_item.done", "response.completed");
        assertSequenced(frames);
        JsonNode completed = json.readTree(frames.get(frames.size() - 1).data()).path("response");
        assertThat(completed.path("output").get(0).path("type").asString()).isEqualTo("reasoning");
        assertThat(completed.path("output").get(0).path("summary").get(0).path("text").asString())
                .contains("Alpha says water is wet.");
        assertThat(completed.path("output").get(1).path("content").get(0).path("text").asString())
                .isEqualTo("Water is wet H2O.");
    }

    @Test
    void anAggregatorFailingMidStreamEndsTheStreamWithResponseFailed() {
        respond("agg", events(List.of(
                UpstreamBodies.chunk("agg", "{\"role\":\"assistant\",\"content\":\"\"}", null),
                UpstreamBodies.chunk("agg", "{\"content\":\"Water \"}", null),
                UpstreamBodies.chunk("agg", "{\"content\":\"is\"}", null))));

        List<Frame> frames = post("{\"model\": \"duo\", \"stream\": true, \"input\": \"What is water?\"}");

        assertThat(collapsed(frames)).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.failed");
        assertSequenced(frames);
        JsonNode failed = json.readTree(frames.get(frames.size() - 1).data()).path("response");
        assertThat(failed.path("status").asString()).isEqualTo("failed");
        assertThat(failed.path("error").path("message").asString()).isNotBlank();
        assertThat(failed.path("output").get(0).path("status").asString()).isEqualTo("incomplete");
        assertThat(failed.path("output").get(0).path("content").get(0).path("text").asString()).isEqualTo("Water is");
    }

    @Test
    void aProvidersModelPassesThroughAndAnAnswerCutAtItsLengthIsIncomplete() {
        upstream.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/v1/chat/completions")
                .atPriority(0)
                .willReturn(events(List.of(UpstreamBodies.chunk("agg", "{\"content\":\"Wat\"}", null),
                        UpstreamBodies.chunk("agg", "{}", "\"length\""), UpstreamBodies.usageChunk("agg", 9, 1),
                        "[DONE]"))));

        JsonNode response = json.readTree(postBody("{\"model\": \"fake/agg\", \"max_output_tokens\": 1, "
                + "\"store\": false, \"input\": [{\"role\": \"user\", \"content\": [{\"type\": \"input_text\", "
                + "\"text\": \"What is water?\"}]}]}", 200));

        assertThat(response.path("status").asString()).isEqualTo("incomplete");
        assertThat(response.path("incomplete_details").path("reason").asString()).isEqualTo("max_output_tokens");
        assertThat(response.path("usage").path("input_tokens").asInt()).isEqualTo(9);
        JsonNode sent = onlyRequestFor("agg");
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(1);
        assertThat(sent.path("stream").asBoolean()).isTrue();
        assertThat(sent.path("messages").get(0).path("content").asString()).isEqualTo("What is water?");

        String unknown = postBody("{\"model\": \"duo\", \"previous_response_id\": \"" + response.path("id").asString()
                + "\", \"input\": \"And ice?\"}", 404);
        assertThat(json.readTree(unknown).path("error").path("param").asString()).isEqualTo("previous_response_id");
    }

    @Test
    void aCodexShapedRequestGetsItsFunctionToolsThroughAndEndsWithResponseCompleted() {
        List<Frame> frames = post("""
                {"model": "duo", "stream": true, "store": false, "tool_choice": "auto", "parallel_tool_calls": true,
                 "reasoning": {"summary": "auto"}, "include": ["reasoning.encrypted_content"],
                 "prompt_cache_key": "k-1", "client_metadata": {"originator": "codex_cli_rs"},
                 "input": [
                   {"type": "message", "role": "developer", "content": [{"type": "input_text", "text": "You are Codex."}]},
                   {"type": "message", "role": "developer", "content": [{"type": "input_text", "text": "Sandbox: on."}]},
                   {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "List the files."}]},
                   {"type": "reasoning", "summary": [], "encrypted_content": "gAAAA"}],
                 "tools": [
                   {"type": "function", "name": "shell", "description": "Runs a command.", "strict": false,
                    "parameters": {"type": "object", "properties": {"command": {"type": "array"}}}},
                   {"type": "namespace", "name": "mcp", "tools": []},
                   {"type": "web_search"}]}""");

        assertThat(frames.get(frames.size() - 1).event()).isEqualTo("response.completed");
        JsonNode aggregator = onlyRequestFor("agg");
        assertThat(aggregator.path("tools")).hasSize(1);
        assertThat(aggregator.path("tools").get(0).path("function").path("name").asString()).isEqualTo("shell");
        assertThat(aggregator.path("parallel_tool_calls").asBoolean()).isTrue();
        assertThat(aggregator.has("include")).isFalse();
        assertThat(aggregator.has("prompt_cache_key")).isFalse();
        assertThat(aggregator.path("messages")).extracting(message -> message.path("role").asString())
                .containsExactly("system", "system", "user");
        assertThat(aggregator.path("messages").get(0).path("content").asString()).startsWith("You are Codex.");
    }

    @Test
    void anEmptyToolListAsTheAgentsSdkSendsItOffersNoTools() {
        post("{\"model\": \"duo\", \"stream\": true, \"tools\": [], \"input\": \"Hi\"}");

        assertThat(onlyRequestFor("agg").has("tools")).isFalse();
    }

    @Test
    void badInputIsA400NamingTheField() {
        assertThat(errorParam("{\"model\": \"duo\"}")).isEqualTo("input");
        assertThat(errorParam("{\"input\": \"Hi\"}")).isEqualTo("model");
        assertThat(errorParam("{\"model\": \"duo\", \"input\": [{\"type\": \"computer_call\"}]}"))
                .isEqualTo("input[0].type");
        assertThat(errorParam("{\"model\": \"duo\", \"input\": \"Hi\", \"temperature\": 3}")).isEqualTo("temperature");
        assertThat(errorParam("{\"model\": \"duo\", \"input\": [{\"content\": \"Hi\"}]}")).isEqualTo("input[0].role");
    }

    private String errorParam(String body) {
        return json.readTree(postBody(body, 400)).path("error").path("param").asString();
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

    private static ResponseCreateParams.Builder withWeatherTool() {
        return ResponseCreateParams.builder().model("duo").toolChoice(ToolChoiceOptions.AUTO)
                .addTool(FunctionTool.builder().name("get_weather").description("The weather in a city now.")
                        .strict(false)
                        .parameters(FunctionTool.Parameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of("city",
                                        Map.of("type", "string"))))
                                .build())
                        .build());
    }

    private List<ResponseStreamEvent> streamed(ResponseCreateParams params) {
        try (StreamResponse<ResponseStreamEvent> stream = sdk().responses().createStreaming(params)) {
            return stream.stream().toList();
        }
    }

    /** The event types in order, a run of deltas of one type as one. */
    private static List<String> collapsed(List<Frame> frames) {
        List<String> types = new ArrayList<>();
        for (Frame frame : frames) {
            boolean delta = frame.event().endsWith(".delta");
            if (!(delta && !types.isEmpty() && types.get(types.size() - 1).equals(frame.event()))) {
                types.add(frame.event());
            }
        }
        return types;
    }

    /** Every event is named as its type says, and numbered one after another from 0. */
    private void assertSequenced(List<Frame> frames) {
        for (int i = 0; i < frames.size(); i++) {
            JsonNode data = json.readTree(frames.get(i).data());
            assertThat(data.path("type").asString()).isEqualTo(frames.get(i).event());
            assertThat(data.path("sequence_number").asInt()).isEqualTo(i);
        }
    }

    private List<Frame> post(String body) {
        return SseFrames.parse(postBody(body, 200));
    }

    private String postBody(String body, int status) {
        return web().post().uri("/v1/responses").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isEqualTo(status).expectBody(String.class).returnResult().getResponseBody();
    }
}
