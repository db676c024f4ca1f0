package dev.moagateway.openai;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;

/** A non-streaming chat completion ({@code "object": "chat.completion"}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletion(String id, String object, Long created, String model, List<Choice> choices,
        Usage usage, @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public static final String OBJECT = "chat.completion";

    /**
     * A new {@code chatcmpl-} id of 32 hex digits. Ids need to be unique, not secret, so a fast generator
     * serves (a SecureRandom may block on its entropy source, which an event loop must never do).
     */
    public static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "chatcmpl-%016x%016x".formatted(random.nextLong(), random.nextLong());
    }

    public ChatCompletion {
        choices = choices == null ? List.of() : choices;
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    /** This completion with a top-level field added (or replaced). */
    public ChatCompletion withExtra(String name, JsonNode value) {
        Map<String, JsonNode> fields = new LinkedHashMap<>(extra);
        fields.put(name, value);
        return new ChatCompletion(id, object, created, model, choices, usage, fields);
    }

    /** The text of the first choice, or an empty string when there is none. */
    public String firstText() {
        return choices.isEmpty() || choices.get(0).message() == null ? "" : choices.get(0).message().text();
    }
}
