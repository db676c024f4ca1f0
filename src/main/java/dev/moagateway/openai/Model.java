package dev.moagateway.openai;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One entry of {@code GET /v1/models}, in a shape both OpenAI's and Anthropic's SDKs read: OpenAI's fields, and
 * Anthropic's {@code type}, {@code display_name} and {@code created_at} (RFC 3339).
 */
public record Model(String id, String object, long created, @JsonProperty("owned_by") String ownedBy, String type,
        @JsonProperty("display_name") String displayName, @JsonProperty("created_at") String createdAt) {

    public static Model of(String id, long created, String ownedBy) {
        return new Model(id, "model", created, ownedBy, "model", id, Instant.ofEpochSecond(created).toString());
    }
}
