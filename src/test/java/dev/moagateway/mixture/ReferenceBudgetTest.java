package dev.moagateway.mixture;

import java.util.List;
import java.util.function.Function;

import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.ChatMessage;
import dev.moagateway.upstream.ContextWindow;
import dev.moagateway.upstream.TokenCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** References give way, the longest first and each cut marked, so that prompt and answer fit the window. */
class ReferenceBudgetTest {

    private static final TokenCounter GPT = TokenCounter.forModel("gpt-4.1-mini");
    private static final List<ChatMessage> CONVERSATION = List.of(ChatMessage.of(ChatMessage.USER,
            "Which rivers cross more than three countries?"));

    private final String shortDraft = "The Danube crosses ten countries.";
    private final String longDraft = words("The Rhine and the Danube are the best known.", 60);
    private final String longerDraft = words("The Nile, the Congo, the Niger and the Mekong too.", 120);

    @ParameterizedTest(name = "{0} into {1}: each keeps at most {2}")
    @CsvSource({
            "'10,20,30', 60, 30",
            "'10,20,30', 50, 20",
            "'10,20,30', 40, 15",
            "'10,20,30', 30, 10",
            "'10,20,30', 0, 0",
            "'30,30', 40, 20",
    })
    void theLongestGiveWayFirstAndNoneIsCutWhileALongerOneIsWhole(String sizes, int budget, int cap) {
        int[] lengths = java.util.Arrays.stream(sizes.split(",")).mapToInt(Integer::parseInt).toArray();

        assertThat(ReferenceBudget.cap(lengths, budget)).isEqualTo(cap);
    }

    @Test
    void aPromptThatFitsIsSentAsBuilt() {
        ContextWindow window = new ContextWindow(128_000, GPT);
        List<String> drafts = List.of(shortDraft, longDraft, longerDraft);

        ReferenceBudget.Fitted fitted = ReferenceBudget.fit(window, drafts, build(200));

        assertThat(fitted.cut()).isZero();
        assertThat(ReferenceBudget.surelyFits(window, fitted.request())).isTrue();
        assertThat(system(fitted.request())).contains(longerDraft);
    }

    @Test
    void theLongestDraftsAreCutAndMarkedUntilPromptAndAnswerFit() {
        List<String> drafts = List.of(shortDraft, longDraft, longerDraft);
        ContextWindow window = new ContextWindow(1_500, GPT);
        int whole = window.promptTokens(build(200).apply(drafts));

        ReferenceBudget.Fitted fitted = ReferenceBudget.fit(window, drafts, build(200));

        assertThat(whole + 200).isGreaterThan(1_500);
        assertThat(window.promptTokens(fitted.request()) + 200).isLessThanOrEqualTo(1_500);
        assertThat(fitted.cut()).isEqualTo(2);
        String system = system(fitted.request());
        assertThat(system).contains(shortDraft).doesNotContain(longDraft).doesNotContain(longerDraft)
                .contains(longDraft.substring(0, 200)).contains(longerDraft.substring(0, 200));
        assertThat(system.split("was cut to fit the context window", -1)).hasSize(3);
        assertThat(fitted.request().messages().get(1)).isEqualTo(CONVERSATION.get(0));
    }

    @Test
    void withoutACapTheAnswerKeepsAQuarterOfTheWindowAndAnEstimateCountsMore() {
        ContextWindow estimated = new ContextWindow(2_000, TokenCounter.forModel("meta-llama/Llama-3.3-70B"));
        List<String> drafts = List.of(longDraft, longerDraft);

        ReferenceBudget.Fitted fitted = ReferenceBudget.fit(estimated, drafts, build(null));

        assertThat(estimated.counter().exact()).isFalse();
        assertThat(estimated.promptRoom(fitted.request())).isEqualTo(1_500);
        assertThat(estimated.promptTokens(fitted.request())).isLessThanOrEqualTo(1_500);
        assertThat(GPT.count(longerDraft) * 5 / 4).isLessThanOrEqualTo(estimated.counter().count(longerDraft));
        assertThat(fitted.cut()).isPositive();
    }

    @Test
    void aConversationTooLongForTheWindowLeavesOnlyTheMarkers() {
        List<ChatMessage> longConversation = List.of(ChatMessage.of(ChatMessage.USER, words("Tell me more.", 400)));
        ContextWindow window = new ContextWindow(1_000, GPT);

        ReferenceBudget.Fitted fitted = ReferenceBudget.fit(window, List.of(shortDraft, longDraft),
                drafts -> ChatCompletionRequest.of("m", AggregationPrompt.withReferences(longConversation, drafts)));

        assertThat(fitted.cut()).isEqualTo(2);
        assertThat(system(fitted.request())).doesNotContain(shortDraft).doesNotContain("The Rhine");
    }

    private static Function<List<String>, ChatCompletionRequest> build(Integer maxTokens) {
        return drafts -> ChatCompletionRequest.of("gpt-4.1-mini", AggregationPrompt.withReferences(CONVERSATION,
                drafts)).withMaxTokens(maxTokens);
    }

    private static String system(ChatCompletionRequest request) {
        return request.messages().get(0).text();
    }

    private static String words(String sentence, int times) {
        return (sentence + " ").repeat(times).strip();
    }
}
