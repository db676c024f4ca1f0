package dev.moagateway.openai;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;

/**
 * One streamed event ({@code "object": "chat.completion.chunk"}). The usage chunk, sent last and only on
 * request, has {@code "choices": []}: the list is never null, so the key is never missing.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletionChunk(String id, String object, Long created, String model, List<ChunkChoice> choices,
        Usage usage, @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public static final String OBJECT = "chat.completion.chunk";

    public ChatCompletionChunk {
        choices = choices == null ? List.of() : choices;
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    public static ChatCompletionChunk usage(String id, long created, String model, Usage usage) {
        return new ChatCompletionChunk(id, OBJECT, created, model, List.of(), usage, null);
    }

    /** The content text of the first choice's delta, or an empty string when there is none. */
    public String text() {
        return choices.isEmpty() || choices.get(0).delta() == null ? "" : choices.get(0).delta().text();
    }

    /** Whether any choice's delta calls a tool, or continues a call. */
    public boolean callsTools() {
        for (ChunkChoice choice : choices) {
            if (choice.delta() != null && choice.delta().toolCalls() != null && !choice.delta().toolCalls().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** This chunk with a top-level field added (or replaced). */
    public ChatCompletionChunk withExtra(String name, JsonNode value) {
        Map<String, JsonNode> fields = new LinkedHashMap<>(extra);
        fields.put(name, value);
        return new ChatCompletionChunk(id, object, created, model, choices, usage, fields);
    }
}
