package dev.moagateway.demo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.ChatMessage;
import dev.moagateway.openai.Usage;

/**
 * What a simulated model says to a request. Without references it drafts three points about the latest user
 * message; with references (the {@code <reference>} blocks of a mixture's system message) it names the point
 * each reference makes and merges them, so each layer's answer visibly builds on the one before. A trailing
 * assistant message is continued rather than answered.
 */
record DemoAnswer(String id, String text, List<String> tokens, String finishReason, Usage usage) {

    private static final Pattern REFERENCE = Pattern.compile("<reference id=\"(\\d+)\">\\s*(.*?)\\s*</reference>",
            Pattern.DOTALL);
    private static final Pattern TOKEN = Pattern.compile("\\S+\\s*");
    /** The two answers of a pairwise judging prompt, as the eval command writes it. */
    private static final Pattern PAIR = Pattern.compile("<answer_a>(.*)</answer_a>.*<answer_b>(.*)</answer_b>",
            Pattern.DOTALL);

    private static final List<String> POINTS = List.of(
            "start from a precise definition of the terms",
            "a small worked example makes the idea concrete",
            "the main trade-off is speed against accuracy",
            "edge cases deserve a separate check",
            "the usual short explanation leaves out an important condition",
            "the history of the problem explains the common approach",
            "measuring beats guessing when the options are close",
            "the simplest answer that fits the facts is the best start",
            "a counter-example shows where the rule stops holding",
            "the answer depends on the scale of the problem",
            "two separate causes are often mistaken for one",
            "a diagram of the steps removes most of the confusion");

    static DemoAnswer write(ChatCompletionRequest request) {
        String latest = latestUserText(request.messages());
        String question = abbreviate(latest, 80);
        List<String> references = references(request.messages());
        Matcher pair = PAIR.matcher(latest);
        String text = pair.find() ? verdict(pair.group(1), pair.group(2))
                : references.isEmpty() ? draft(request.model(), question)
                : synthesis(request.model(), question, references);
        List<String> tokens = tokens(text);
        int written = prefilled(request.messages());
        tokens = tokens.subList(Math.min(written, tokens.size()), tokens.size());
        String finishReason = "stop";
        Integer limit = request.maxTokens() != null ? request.maxTokens() : request.maxCompletionTokens();
        if (limit != null && limit >= 0 && limit < tokens.size()) {
            tokens = tokens.subList(0, limit);
            finishReason = "length";
        }
        int promptTokens = request.messages().stream().mapToInt(message -> tokens(message.text()).size()).sum();
        String id = "chatcmpl-demo" + Integer.toHexString((request.model() + text).hashCode());
        return new DemoAnswer(id, String.join("", tokens), List.copyOf(tokens), finishReason,
                new Usage(promptTokens, tokens.size(), promptTokens + tokens.size()));
    }

    /**
     * A simulated judge's verdict on a pair: the answer with clearly more distinct words is taken as the fuller,
     * so the verdict is the same whichever answer comes first.
     */
    private static String verdict(String a, String b) {
        long wordsA = distinctWords(a);
        long wordsB = distinctWords(b);
        String mark = Math.abs(wordsA - wordsB) * 10 <= Math.max(wordsA, wordsB) ? "C" : wordsA > wordsB ? "A" : "B";
        return "Simulated judge: answer A uses %d distinct words and answer B %d; the fuller answer is taken as the "
                .formatted(wordsA, wordsB) + "better one, and answers within a tenth of each other tie. [[" + mark + "]]";
    }

    private static long distinctWords(String text) {
        return Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")).filter(word -> !word.isEmpty())
                .distinct().count();
    }

    private static String draft(String model, String question) {
        int seed = Math.abs((model + question).hashCode());
        return "%s on \"%s\": %s. Also, %s. In short, %s.".formatted(persona(model), question,
                capitalize(point(seed)), point(seed / 13 + 1), point(seed / 169 + 2));
    }

    private static String synthesis(String model, String question, List<String> references) {
        StringBuilder text = new StringBuilder(persona(model)).append(" combines ").append(references.size())
                .append(" drafts on \"").append(question).append("\".");
        for (int i = 0; i < references.size(); i++) {
            text.append(" Draft ").append(i + 1).append(" holds that ").append(keyPoint(references.get(i))).append('.');
        }
        int seed = Math.abs((model + question + references.size()).hashCode());
        return text.append(" Taken together: ").append(point(seed)).append('.').toString();
    }

    /** The first point a reference makes: the words after its first colon, up to the first full stop. */
    private static String keyPoint(String reference) {
        int colon = reference.indexOf(": ");
        String rest = colon < 0 ? reference : reference.substring(colon + 2);
        int stop = rest.indexOf('.');
        String sentence = (stop < 0 ? rest : rest.substring(0, stop)).strip();
        String[] words = sentence.split("\\s+");
        return words.length <= 12 ? uncapitalize(sentence) : uncapitalize(String.join(" ", List.of(words).subList(0, 12)) + " ...");
    }

    private static List<String> references(List<ChatMessage> messages) {
        List<String> found = new ArrayList<>();
        for (ChatMessage message : messages) {
            if (message.givesInstructions()) {
                Matcher matcher = REFERENCE.matcher(message.text());
                while (matcher.find()) {
                    found.add(matcher.group(2));
                }
            }
        }
        return found;
    }

    /**
     * The tokens of a trailing assistant message, which the model continues: its answer goes on from as far
     * into it as that message reaches.
     */
    private static int prefilled(List<ChatMessage> messages) {
        ChatMessage last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        return last != null && ChatMessage.ASSISTANT.equals(last.role()) ? tokens(last.text()).size() : 0;
    }

    private static String latestUserText(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (ChatMessage.USER.equals(messages.get(i).role())) {
                return messages.get(i).text().strip().replaceAll("\\s+", " ");
            }
        }
        return "the conversation";
    }

    private static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        Matcher matcher = TOKEN.matcher(text);
        while (matcher.find()) {
            tokens.add(matcher.group());
        }
        return tokens;
    }

    /** The model's name without the provider, capitalized: {@code demo/atlas} writes as "Atlas". */
    private static String persona(String model) {
        return capitalize(model.substring(model.lastIndexOf('/') + 1));
    }

    private static String point(int seed) {
        return POINTS.get(Math.abs(seed) % POINTS.size());
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }

    private static String capitalize(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static String uncapitalize(String text) {
        return text.isEmpty() ? text : Character.toLowerCase(text.charAt(0)) + text.substring(1);
    }
}
