package dev.moagateway.openai;

import java.util.List;

/** The body of {@code GET /v1/models}. */
public record ModelList(String object, List<Model> data) {

    public static ModelList of(List<Model> models) {
        return new ModelList("list", models);
    }
}
