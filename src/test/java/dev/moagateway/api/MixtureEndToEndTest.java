package dev.moagateway.api;

import java.util.List;

import com.openai.core.JsonValue;
import com.openai.errors.InternalServerException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.moagateway.testing.GatewayTest;
import dev.moagateway.testing.UpstreamBodies;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The official OpenAI Java SDK against mixtures over a fake upstream. */
class MixtureEndToEndTest extends GatewayTest {

    private static ChatCompletionCreateParams.Builder ask(String model, String question) {
        return ChatCompletionCreateParams.builder().model(model).addSystemMessage("Be brief.").addUserMessage(question);
    }


    @Test
    void answersWithTheAggregatorsTextUnderTheMixturesNameAndSumsUsage() {
        duoUpstreams();

        ChatCompletion completion = sdk().chat().completions().create(ask("duo", "What is water?").build());

        assertThat(completion.model()).isEqualTo("duo");
        assertThat(completion.id()).startsWith("chatcmpl-");
        assertThat(completion.choices().get(0).message().content()).contains("Water is wet H2O.");
        assertThat(completion.choices().get(0).finishReason().asString()).isEqualTo("stop");
        assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(10 + 11 + 100);
        assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(5 + 6 + 7);
        assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(121 + 18);
    }

    @Test
    void nAboveOneAsksTheAggregatorForThatManyAnswersFromOneSetOfDrafts() {
        duoUpstreams();
        respond("agg", events(List.of(
                UpstreamBodies.chunk("agg", "{\"role\":\"assistant\",\"content\":\"Wet.\"}", null),
                "{\"id\":\"up\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"agg\",\"choices\":"
                        + "[{\"index\":1,\"delta\":{\"role\":\"assistant\",\"content\":\"H2O.\"},"
                        + "\"finish_reason\":null}]}",
                UpstreamBodies.chunk("agg", "{}", "\"stop\""), UpstreamBodies.usageChunk("agg", 100, 4))));

        ChatCompletion completion = sdk().chat().completions().create(ask("duo", "What is water?").n(2).build());

        assertThat(completion.choices()).extracting(choice -> choice.message().content().orElse(""))
                .containsExactly("Wet.", "H2O.");
        assertThat(onlyRequestFor("agg").path("n").asInt()).isEqualTo(2);
        assertThat(onlyRequestFor("p1").has("n")).isFalse();
    }

    @Test
    void aggregatorReceivesEverySurvivingProposalInItsSystemMessageAndNothingOfTheFailedOne() {
        duoUpstreams();

        sdk().chat().completions().create(ask("duo", "What is water?").build());

        JsonNode messages = onlyRequestFor("agg").path("messages");
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).path("role").asString()).isEqualTo("system");
        String system = messages.get(0).path("content").asString();
        assertThat(system).startsWith("Be brief.")
                .contains("<reference id=\"1\">\nAlpha says water is wet.\n</reference>")
                .contains("<reference id=\"2\">\nBeta says water is H2O.\n</reference>")
                .doesNotContain("<reference id=\"3\">")
                .doesNotContain("null")
                .doesNotContain("context length")
                .doesNotContain("p1").doesNotContain("p2");
        assertThat(messages.get(1).path("content").asString()).isEqualTo("What is water?");
        assertThat(requestsFor("p1").get(0).path("messages")).hasSize(2);
        assertThat(requestsFor("p1").get(0).path("messages").get(0).path("content").asString()).isEqualTo("Be brief.");
    }

    @Test
    void streamsTheAggregatorsTokensWithOneIdAndTheUsageChunkLast() {
        duoUpstreams();
        ChatCompletionCreateParams params = ask("duo", "What is water?")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();

        List<ChatCompletionChunk> chunks = streamed(params);

        assertThat(textOf(chunks)).isEqualTo("Water is wet H2O.");
        assertThat(chunks).extracting(ChatCompletionChunk::id).containsOnly(chunks.get(0).id());
        assertThat(chunks).extracting(ChatCompletionChunk::model).containsOnly("duo");
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().promptTokens()).isEqualTo(10 + 11 + 100);
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(5 + 6 + 7);
        ChatCompletionChunk finish = chunks.get(chunks.size() - 2);
        assertThat(finish.choices().get(0).finishReason().orElseThrow().asString()).isEqualTo("stop");
        assertThat(onlyRequestFor("agg").path("stream_options").path("include_usage").asBoolean()).isTrue();
    }

    @Test
    void eachLayerGetsThePreviousLayersAnswersAndOnlyThose() {
        answer("p1", "First draft one.", 1, 1);
        answer("p2", "First draft two.", 1, 1);
        answer("q1", "Second draft one.", 1, 1);
        answer("q2", "Second draft two.", 1, 1);
        answer("agg", "Final.", 1, 1);

        ChatCompletion completion = sdk().chat().completions().create(
                ChatCompletionCreateParams.builder().model("deep").addUserMessage("Go").build());

        assertThat(completion.choices().get(0).message().content()).contains("Final.");
        assertThat(onlyRequestFor("p1").path("messages")).hasSize(1);
        for (String secondLayer : List.of("q1", "q2")) {
            String system = onlyRequestFor(secondLayer).path("messages").get(0).path("content").asString();
            assertThat(system).contains("First draft one.", "First draft two.");
        }
        String aggregatorSystem = onlyRequestFor("agg").path("messages").get(0).path("content").asString();
        assertThat(aggregatorSystem).contains("Second draft one.", "Second draft two.")
                .doesNotContain("First draft");
        assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(10);
    }

    @Test
    void clientParametersAndUnknownFieldsReachEveryCallUnlessTheMixtureOverridesThem() {
        duoUpstreams();

        sdk().chat().completions().create(ask("duo", "What is water?")
                .temperature(0.9)
                .maxCompletionTokens(300)
                .putAdditionalBodyProperty("top_k", JsonValue.from(40))
                .putAdditionalBodyProperty("vendor_flag", JsonValue.from(java.util.Map.of("deep", List.of(1, 2))))
                .build());

        JsonNode plain = onlyRequestFor("p1");
        assertThat(plain.path("temperature").asDouble()).isEqualTo(0.9);
        assertThat(plain.path("max_completion_tokens").asInt()).isEqualTo(300);
        assertThat(plain.path("top_k").asInt()).isEqualTo(40);
        assertThat(plain.path("vendor_flag").path("deep").get(1).asInt()).isEqualTo(2);
        // Every call of a mixture streams, so drafts show as they come and stream timeouts bind them.
        assertThat(plain.path("stream").asBoolean()).isTrue();
        assertThat(plain.path("stream_options").path("include_usage").asBoolean()).isTrue();

        JsonNode overridden = onlyRequestFor("p2");
        assertThat(overridden.path("temperature").asDouble()).isEqualTo(0.1);
        assertThat(overridden.path("max_tokens").asInt()).isEqualTo(64);
        assertThat(overridden.has("max_completion_tokens")).isFalse();
        assertThat(overridden.path("top_k").asInt()).isEqualTo(5);

        JsonNode aggregator = onlyRequestFor("agg");
        assertThat(aggregator.path("temperature").asDouble()).isEqualTo(0.9);
        assertThat(aggregator.path("top_k").asInt()).isEqualTo(40);
        assertThat(aggregator.path("vendor_flag").path("deep")).hasSize(2);
    }

    @Test
    void upstreamsGetTheProvidersKeyAndHeadersNeverTheClients() {
        duoUpstreams();

        sdk().chat().completions().create(ask("duo", "What is water?").build());

        loggedRequestsFor("agg").forEach(request -> {
            assertThat(request.getHeader("Authorization")).isEqualTo("Bearer sk-upstream-secret");
            assertThat(request.getHeader("X-Title")).isEqualTo("moa-gateway-test");
        });
        assertThat(loggedRequestsFor("p1")).allSatisfy(
                request -> assertThat(request.getHeader("Authorization")).doesNotContain(API_KEY));
    }

    @Test
    void aLayerWithTooFewAnswersFailsWith502NamingTheFailedProposer() {
        answer("p1", "Fine.", 1, 1);
        fail("down", 503, UpstreamBodies.error("overloaded right now", "server_error"));

        assertThatThrownBy(() -> sdk().chat().completions().create(ask("strict", "Hi").build()))
                .isInstanceOfSatisfying(InternalServerException.class, error -> {
                    assertThat(error.statusCode()).isEqualTo(502);
                    assertThat(error.getMessage()).contains("fake/down", "503", "overloaded right now")
                            .doesNotContain("sk-upstream-secret");
                });
        assertThat(requestsFor("agg")).isEmpty();
        assertThat(requestsFor("down")).hasSize(3);
    }

    @Test
    void providerSlashModelIsPassedStraightThrough() {
        answer("solo", "Solo answer.", 3, 2);
        streamAnswer("solo", List.of("So", "lo"), 3);

        ChatCompletion completion = sdk().chat().completions().create(
                ChatCompletionCreateParams.builder().model("fake/solo").addUserMessage("Hi").build());
        String streamedText = textOf(streamed(
                ChatCompletionCreateParams.builder().model("fake/solo").addUserMessage("Hi").build()));

        assertThat(completion.choices().get(0).message().content()).contains("Solo answer.");
        assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(5);
        assertThat(streamedText).isEqualTo("Solo");
        assertThat(requestsFor("solo")).hasSize(2).allSatisfy(request ->
                assertThat(request.path("messages").get(0).path("content").asString()).isEqualTo("Hi"));
    }
}
