package dev.moagateway.upstream;

import java.util.List;

import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.ChatMessage;
import dev.moagateway.openai.ToolCall;
import dev.moagateway.openai.ToolCall.FunctionCall;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ContextWindowTest {

    private final ContextWindow window = new ContextWindow(8192, TokenCounter.forModel("gpt-4o"));

    @Test
    void anAssistantsToolCallsCountTowardsThePrompt() {
        ChatMessage question = ChatMessage.of(ChatMessage.USER, "Weather in Paris?");
        String arguments = "{\"city\":\"Paris\",\"units\":\"metric\",\"days\":[1,2,3,4,5,6,7]}";
        ChatMessage call = new ChatMessage(ChatMessage.ASSISTANT, null, List.of(new ToolCall(null, "call_1",
                ToolCall.FUNCTION, new FunctionCall("get_weather", arguments, null), null)), null, null);
        ChatMessage silent = new ChatMessage(ChatMessage.ASSISTANT, null, null);

        int withCall = window.promptTokens(ChatCompletionRequest.of("gpt-4o", List.of(question, call)));
        int without = window.promptTokens(ChatCompletionRequest.of("gpt-4o", List.of(question, silent)));

        TokenCounter counter = TokenCounter.forModel("gpt-4o");
        assertThat(withCall - without).isEqualTo(counter.count("get_weather" + arguments));
    }
}
