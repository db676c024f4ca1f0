package dev.moagateway.mixture;

import java.util.List;

import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.ChatMessage;
import dev.moagateway.upstream.ToolMessages;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class AdvisorPromptTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aRequestWithNothingForTheAggregatorAloneIsSentAsItIs() {
        ChatCompletionRequest request = request("""
                {"model": "m", "seed": 7, "messages": [{"role": "user", "content": "Hi"}]}""");

        assertThat(AdvisorPrompt.of(request, ToolMessages.TEXT)).isSameAs(request);
    }

    @Test
    void toolsAreDescribedInTheInstructionsAfterTheClientsOwnAndNotOffered() {
        ChatCompletionRequest advisory = AdvisorPrompt.of(request("""
                {"model": "m", "seed": 7, "tool_choice": {"type": "function", "function": {"name": "lookup"}},
                 "tools": [{"type": "function", "function": {"name": "lookup", "description": " Finds a word. ",
                   "parameters": {"type": "object", "properties": {"word": {"type": "string"}}}}},
                  {"type": "custom", "custom": {"name": "grep"}}],
                 "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]}"""),
                ToolMessages.TEXT);

        assertThat(advisory.extra()).containsOnlyKeys("seed");
        assertThat(advisory.messages()).hasSize(2);
        assertThat(advisory.messages().get(0).text()).isEqualTo("Be brief.\n\n" + AdvisorPrompt.TOOLS_INSTRUCTION
                + " This turn must call lookup.\n<tools>\n"
                + "- lookup: Finds a word. Parameters (JSON schema): "
                + "{\"type\":\"object\",\"properties\":{\"word\":{\"type\":\"string\"}}}\n"
                + "- grep\n</tools>");
    }

    @Test
    void toolsTheClientSaysNotToCallAreNotDescribed() {
        ChatCompletionRequest advisory = AdvisorPrompt.of(request("""
                {"model": "m", "tool_choice": "none", "tools": [{"type": "function", "function": {"name": "f"}}],
                 "messages": [{"role": "user", "content": "Hi"}]}"""), ToolMessages.TEXT);

        assertThat(advisory.extra()).isEmpty();
        assertThat(advisory.messages()).extracting(ChatMessage::text).containsExactly("Hi");
    }

    @Test
    void aProviderThatTakesToolMessagesGetsThemAsTheyAre() {
        ChatCompletionRequest request = request("""
                {"model": "m", "messages": [{"role": "user", "content": "Weather?"},
                  {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function",
                    "function": {"name": "weather", "arguments": "{}"}}]},
                  {"role": "tool", "tool_call_id": "c1", "content": "Sunny"}]}""");

        assertThat(AdvisorPrompt.of(request, ToolMessages.NATIVE)).isSameAs(request);
        List<ChatMessage> asText = AdvisorPrompt.of(request, ToolMessages.TEXT).messages();
        assertThat(asText).extracting(ChatMessage::role).containsExactly("user", "assistant", "user");
        assertThat(asText).extracting(ChatMessage::text).containsExactly("Weather?", "Tool call c1: weather {}",
                "Result of tool call c1 (weather):\nSunny");
        assertThat(asText).noneMatch(ChatMessage::usesTools);
    }

    @Test
    void legacyFunctionsAreDescribedAsToolsAre() {
        ChatCompletionRequest advisory = AdvisorPrompt.of(request("""
                {"model": "m", "function_call": {"name": "f"},
                 "functions": [{"name": "f", "description": "Does f.", "parameters": {"type": "object"}}],
                 "messages": [{"role": "user", "content": "Hi"}]}"""), ToolMessages.TEXT);

        assertThat(advisory.extra()).isEmpty();
        assertThat(advisory.messages().get(0).text()).isEqualTo(AdvisorPrompt.TOOLS_INSTRUCTION
                + " This turn must call f.\n<tools>\n- f: Does f. Parameters (JSON schema): {\"type\":\"object\"}"
                + "\n</tools>");
    }

    @Test
    void aJsonObjectFormatIsToldInProse() {
        ChatCompletionRequest advisory = AdvisorPrompt.of(request("""
                {"model": "m", "response_format": {"type": "json_object"},
                 "messages": [{"role": "user", "content": "Hi"}]}"""), ToolMessages.TEXT);

        assertThat(advisory.extra()).isEmpty();
        assertThat(advisory.messages().get(0).role()).isEqualTo("system");
        assertThat(advisory.messages().get(0).text()).contains("The final answer will be a JSON object");
    }

    private ChatCompletionRequest request(String body) {
        return json.readValue(body, ChatCompletionRequest.class);
    }
}
