package dev.moagateway.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.moagateway.openai.ChatMessage;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The prompts of a JSONL file, one per line: {@code {"id"?, "prompt"}} or {@code {"id"?, "messages": [...]}},
 * with an optional {@code "reference"}. A bad line is a problem naming its number, and the rest are read.
 *
 * @param problems one line each, such as {@code line 7: no "prompt" or "messages"}
 */
record PromptSet(List<Prompt> prompts, List<String> problems) {

    /**
     * @param question  the latest user message's text, which the judge is shown
     * @param reference an expected answer the judge may use, or null
     */
    record Prompt(String id, List<ChatMessage> messages, String question, String reference) {
    }

    static PromptSet read(Path file, JsonMapper json) throws IOException {
        List<Prompt> prompts = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        List<String> lines = Files.readAllLines(file);
        for (int number = 1; number <= lines.size(); number++) {
            String line = lines.get(number - 1).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                Prompt prompt = prompt(json.readTree(line), number, json);
                if (!ids.add(prompt.id())) {
                    throw new IllegalArgumentException("the id '" + prompt.id() + "' is used by an earlier line");
                }
                prompts.add(prompt);
            }
            catch (JacksonException notJson) {
                problems.add("line " + number + ": not a JSON object");
            }
            catch (IllegalArgumentException bad) {
                problems.add("line " + number + ": " + bad.getMessage());
            }
        }
        return new PromptSet(List.copyOf(prompts), List.copyOf(problems));
    }

    private static Prompt prompt(JsonNode line, int number, JsonMapper json) {
        if (!line.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        String id = line.has("id") ? text(line.get("id"), "id") : "line-" + number;
        List<ChatMessage> messages;
        if (line.has("messages")) {
            messages = messages(line.get("messages"), json);
        }
        else if (line.has("prompt")) {
            messages = List.of(ChatMessage.of(ChatMessage.USER, text(line.get("prompt"), "prompt")));
        }
        else {
            throw new IllegalArgumentException("no \"prompt\" or \"messages\"");
        }
        String question = messages.stream().filter(message -> ChatMessage.USER.equals(message.role()))
                .reduce((first, second) -> second).map(ChatMessage::text).orElse("");
        if (question.isBlank()) {
            throw new IllegalArgumentException("no user message with text");
        }
        String reference = line.has("reference") && !line.get("reference").isNull()
                ? text(line.get("reference"), "reference") : null;
        return new Prompt(id, messages, question, reference);
    }

    private static List<ChatMessage> messages(JsonNode node, JsonMapper json) {
        if (!node.isArray() || node.isEmpty()) {
            throw new IllegalArgumentException("\"messages\" must be a non-empty array");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonNode message : node) {
            if (!message.isObject() || !message.path("role").isString()) {
                throw new IllegalArgumentException("each message needs a \"role\"");
            }
            messages.add(json.treeToValue(message, ChatMessage.class));
        }
        return List.copyOf(messages);
    }

    private static String text(JsonNode node, String field) {
        if (!node.isString() || node.asString().isBlank()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a non-empty string");
        }
        return node.asString();
    }
}
