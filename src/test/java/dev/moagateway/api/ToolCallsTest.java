package dev.moagateway.api;

import java.util.List;
import java.util.Map;

import com.openai.core.JsonValue;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.moagateway.testing.GatewayTest;
import dev.moagateway.testing.UpstreamBodies;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request with tools to a mixture, through the official SDK: the proposers advise in prose, told of the tools
 * but offered none; the aggregator is offered them and acts, and its calls reach the client as OpenAI sends them.
 */
class ToolCallsTest extends GatewayTest {

    private static final String WEATHER = "{\"city\":\"Paris\"}";
    private static final String TIME = "{\"zone\":\"Europe/Paris\"}";

    @BeforeEach
    void proposersAdvise() {
        duoUpstreams();
    }

    @Test
    void theAggregatorsParallelToolCallsStreamToTheSdkAsOpenAiSendsThem() {
        aggregatorCallsTools();

        List<ChatCompletionChunk> chunks = streamed(firstTurn().build());

        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        chunks.forEach(accumulator::accumulate);
        ChatCompletion.Choice choice = accumulator.chatCompletion().choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertCalls(choice.message().toolCalls().orElseThrow());
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.model()).isEqualTo("duo"));
    }

    @Test
    void aNonStreamedAnswerCarriesTheAggregatorsToolCallsWhole() {
        aggregatorCallsTools();

        ChatCompletion completion = sdk().chat().completions().create(firstTurn().build());

        ChatCompletion.Choice choice = completion.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(choice.message().content()).isEmpty();
        assertCalls(choice.message().toolCalls().orElseThrow());
        assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(15 + 17 + 100 + 20);
    }

    @Test
    void proposersAreToldOfTheToolsAndOfferedNoneTheAggregatorIsOfferedThem() {
        aggregatorCallsTools();

        sdk().chat().completions().create(firstTurn().build());

        for (String proposer : List.of("p1", "p2")) {
            JsonNode request = onlyRequestFor(proposer);
            assertThat(request.has("tools")).isFalse();
            assertThat(request.has("tool_choice")).isFalse();
            assertThat(request.has("parallel_tool_calls")).isFalse();
            String system = request.path("messages").get(0).path("content").asString();
            assertThat(request.path("messages").get(0).path("role").asString()).isEqualTo("system");
            assertThat(system).contains("you cannot call them here", "- get_weather: The weather in a city now.",
                    "\"city\"", "- get_time: The time in a zone.");
        }
        JsonNode aggregator = onlyRequestFor("agg");
        assertThat(aggregator.path("tools")).hasSize(2);
        assertThat(aggregator.path("tools").get(0).path("function").path("name").asString()).isEqualTo("get_weather");
        assertThat(aggregator.path("tool_choice").asString()).isEqualTo("auto");
        assertThat(aggregator.path("parallel_tool_calls").asBoolean()).isTrue();
        assertThat(aggregator.path("messages").get(0).path("content").asString())
                .contains("You may call the tools offered to you", "Alpha says water is wet.");
    }

    @Test
    void inTheSecondTurnTheAggregatorGetsTheToolTurnsAsTheyAreAndProposersReadThemAsText() {
        answer("agg", "In Paris it is 18 degrees at noon.", 100, 9);

        ChatCompletion completion = sdk().chat().completions().create(firstTurn()
                .addMessage(ChatCompletionAssistantMessageParam.builder()
                        .toolCalls(List.of(call("call_1", "get_weather", WEATHER), call("call_2", "get_time", TIME)))
                        .build())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId("call_1").content("18 °C").build())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId("call_2").content("12:00").build())
                .build());

        assertThat(completion.choices().get(0).message().content()).contains("In Paris it is 18 degrees at noon.");
        JsonNode aggregator = onlyRequestFor("agg").path("messages");
        JsonNode assistant = aggregator.get(aggregator.size() - 3);
        assertThat(assistant.path("tool_calls").get(0).path("id").asString()).isEqualTo("call_1");
        assertThat(assistant.path("tool_calls").get(1).path("function").path("arguments").asString()).isEqualTo(TIME);
        assertThat(aggregator.get(aggregator.size() - 2).path("role").asString()).isEqualTo("tool");
        assertThat(aggregator.get(aggregator.size() - 1).path("tool_call_id").asString()).isEqualTo("call_2");

        JsonNode proposer = onlyRequestFor("p1").path("messages");
        assertThat(proposer).allSatisfy(message -> {
            assertThat(message.path("role").asString()).isNotEqualTo("tool");
            assertThat(message.has("tool_calls")).isFalse();
        });
        JsonNode said = proposer.get(proposer.size() - 2);
        assertThat(said.path("role").asString()).isEqualTo("assistant");
        assertThat(said.path("content").asString()).isEqualTo("Tool call call_1: get_weather " + WEATHER
                + "\n\nTool call call_2: get_time " + TIME);
        JsonNode results = proposer.get(proposer.size() - 1);
        assertThat(results.path("role").asString()).isEqualTo("user");
        assertThat(results.path("content").asString()).isEqualTo("Result of tool call call_1 (get_weather):\n18 °C"
                + "\n\nResult of tool call call_2 (get_time):\n12:00");
    }

    @Test
    void aResponseFormatAndLogprobsAreTheAggregatorsAloneAndItsLogprobsAreJoined() {
        respond("agg", events(List.of(
                UpstreamBodies.chunk("agg", "{\"role\":\"assistant\",\"content\":\"\"}", null),
                logprobsChunk("{\\\"a\\\":", "{\"a\":"), logprobsChunk("1}", "1}"),
                UpstreamBodies.chunk("agg", "{}", "\"stop\""), UpstreamBodies.usageChunk("agg", 100, 2))));

        JsonNode completion = json.readTree(web().post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"model": "duo", "logprobs": true, "top_logprobs": 2,
                         "response_format": {"type": "json_schema", "json_schema": {"name": "a",
                           "schema": {"type": "object", "properties": {"a": {"type": "integer"}}}}},
                         "messages": [{"role": "user", "content": "Give me a."}]}""")
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody());

        JsonNode choice = completion.path("choices").get(0);
        assertThat(choice.path("message").path("content").asString()).isEqualTo("{\"a\":1}");
        assertThat(choice.path("logprobs").path("content")).extracting(token -> token.path("token").asString())
                .containsExactly("{\"a\":", "1}");
        JsonNode proposer = onlyRequestFor("p1");
        assertThat(proposer.has("response_format")).isFalse();
        assertThat(proposer.has("logprobs")).isFalse();
        assertThat(proposer.has("top_logprobs")).isFalse();
        assertThat(proposer.path("messages").get(0).path("content").asString())
                .contains("The final answer will be JSON that matches this schema", "\"integer\"");
        JsonNode aggregator = onlyRequestFor("agg");
        assertThat(aggregator.path("response_format").path("type").asString()).isEqualTo("json_schema");
        assertThat(aggregator.path("logprobs").asBoolean()).isTrue();
        assertThat(aggregator.path("top_logprobs").asInt()).isEqualTo(2);
    }

    private static String logprobsChunk(String escapedToken, String token) {
        return """
                {"id":"up-stream","object":"chat.completion.chunk","created":1700000000,"model":"agg",\
                "choices":[{"index":0,"delta":{"content":"%s"},"logprobs":{"content":[{"token":%s,\
                "logprob":-0.1,"bytes":null,"top_logprobs":[]}],"refusal":null},"finish_reason":null}]}"""
                .formatted(escapedToken, quoted(token));
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\"", "\\\"") + "\"";
    }

    /** The aggregator calls both tools, the first one's arguments in two fragments, as OpenAI streams them. */
    private static void aggregatorCallsTools() {
        respond("agg", events(List.of(
                UpstreamBodies.chunk("agg", "{\"role\":\"assistant\",\"content\":null}", null),
                toolChunk(0, "\"id\":\"call_1\",\"type\":\"function\",", "\"name\":\"get_weather\",\"arguments\":\"\""),
                toolChunk(0, "", "\"arguments\":\"{\\\"city\\\":\""),
                toolChunk(0, "", "\"arguments\":\"\\\"Paris\\\"}\""),
                toolChunk(1, "\"id\":\"call_2\",\"type\":\"function\",",
                        "\"name\":\"get_time\",\"arguments\":\"{\\\"zone\\\":\\\"Europe/Paris\\\"}\""),
                UpstreamBodies.chunk("agg", "{}", "\"tool_calls\""), UpstreamBodies.usageChunk("agg", 100, 20))));
    }

    private static String toolChunk(int index, String head, String function) {
        return UpstreamBodies.chunk("agg", "{\"tool_calls\":[{\"index\":" + index + "," + head + "\"function\":{"
                + function + "}}]}", null);
    }

    private static void assertCalls(List<ChatCompletionMessageToolCall> calls) {
        assertThat(calls).hasSize(2);
        ChatCompletionMessageFunctionToolCall weather = calls.get(0).asFunction();
        assertThat(weather.id()).isEqualTo("call_1");
        assertThat(weather.function().name()).isEqualTo("get_weather");
        assertThat(weather.function().arguments()).isEqualTo(WEATHER);
        ChatCompletionMessageFunctionToolCall time = calls.get(1).asFunction();
        assertThat(time.id()).isEqualTo("call_2");
        assertThat(time.function().name()).isEqualTo("get_time");
        assertThat(time.function().arguments()).isEqualTo(TIME);
    }

    private static ChatCompletionCreateParams.Builder firstTurn() {
        return ChatCompletionCreateParams.builder()
                .model("duo")
                .addUserMessage("What is the weather in Paris, and the time?")
                .addTool(tool("get_weather", "The weather in a city now.", "city"))
                .addTool(tool("get_time", "The time in a zone.", "zone"))
                .toolChoice(ChatCompletionToolChoiceOption.Auto.AUTO)
                .parallelToolCalls(true);
    }

    private static ChatCompletionFunctionTool tool(String name, String description, String parameter) {
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name(name)
                .description(description)
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of(parameter,
                                Map.of("type", "string"))))
                        .build())
                .build()).build();
    }

    private static ChatCompletionMessageToolCall call(String id, String name, String arguments) {
        return ChatCompletionMessageToolCall.ofFunction(ChatCompletionMessageFunctionToolCall.builder()
                .id(id)
                .function(ChatCompletionMessageFunctionToolCall.Function.builder().name(name).arguments(arguments)
                        .build())
                .build());
    }
}
