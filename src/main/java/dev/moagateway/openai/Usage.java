package dev.moagateway.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Token counts of one call, or the sum over several. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Usage(@JsonProperty("prompt_tokens") Integer promptTokens,
        @JsonProperty("completion_tokens") Integer completionTokens,
        @JsonProperty("total_tokens") Integer totalTokens) {

    public static final Usage ZERO = new Usage(0, 0, 0);

    public Usage plus(Usage other) {
        if (other == null) {
            return this;
        }
        return new Usage(count(promptTokens) + count(other.promptTokens),
                count(completionTokens) + count(other.completionTokens),
                count(totalTokens) + count(other.totalTokens));
    }

    private static int count(Integer tokens) {
        return tokens == null ? 0 : tokens;
    }
}
