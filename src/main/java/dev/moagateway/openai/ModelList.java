package dev.moagateway.openai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The body of {@code GET /v1/models}: OpenAI's list, with Anthropic's paging fields (one page holds them all). */
public record ModelList(String object, List<Model> data, @JsonProperty("has_more") boolean hasMore,
        @JsonProperty("first_id") String firstId, @JsonProperty("last_id") String lastId) {

    public static ModelList of(List<Model> models) {
        return new ModelList("list", models, false, models.isEmpty() ? null : models.get(0).id(),
                models.isEmpty() ? null : models.get(models.size() - 1).id());
    }
}
