package dev.moagateway.openai;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One entry of {@code GET /v1/models}. */
public record Model(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {

    public static Model of(String id, long created, String ownedBy) {
        return new Model(id, "model", created, ownedBy);
    }
}
