package dev.moagateway.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code results.jsonl}: every answer and verdict, one JSON line each, written as they come, so that a run
 * stopped halfway loses nothing. A rerun reads the file back and is asked only for what is missing: answers
 * and verdicts that failed are tried again, and a verdict counts only for the same baseline and judge.
 */
final class Results implements AutoCloseable {

    static final String FILE = "results.jsonl";

    /** One contestant's answer to one prompt; {@code error} says why there is none. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Answer(String type, String prompt, String contestant, String text, String error,
            @JsonProperty("latency_ms") long latencyMs, @JsonProperty("ttft_ms") Long ttftMs,
            @JsonProperty("input_tokens") long inputTokens, @JsonProperty("output_tokens") long outputTokens,
            @JsonProperty("cost_usd") Double costUsd) {

        static final String TYPE = "answer";

        boolean answered() {
            return error == null;
        }

        long tokens() {
            return inputTokens + outputTokens;
        }
    }

    /**
     * The judge's verdict on one order of one pair: {@code order} is {@code baseline_first} or
     * {@code contestant_first}; {@code verdict} is {@code A}, {@code B}, {@code C} or {@code NONE}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Verdict(String type, String prompt, String contestant, String baseline, String judge, String order,
            String verdict, String reasoning, String error, @JsonProperty("latency_ms") long latencyMs) {

        static final String TYPE = "verdict";
        static final String BASELINE_FIRST = "baseline_first";
        static final String CONTESTANT_FIRST = "contestant_first";

        Judge.Verdict mark() {
            return Judge.Verdict.valueOf(verdict);
        }
    }

    private final JsonMapper json;
    private final Writer out;
    private final Map<String, Answer> answers = new LinkedHashMap<>();
    private final Map<String, Verdict> verdicts = new LinkedHashMap<>();

    private Results(JsonMapper json, Writer out) {
        this.json = json;
        this.out = out;
    }

    /** The results in {@code dir} so far, ready for more; a line cut short by a stopped run is skipped. */
    static Results open(Path dir, JsonMapper json) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
        Results results = new Results(json, Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND));
        for (String line : lines) {
            results.remember(line);
        }
        return results;
    }

    private void remember(String line) {
        try {
            JsonNode record = json.readTree(line);
            String type = record.path("type").asString();
            if (type.equals(Answer.TYPE)) {
                remember(json.treeToValue(record, Answer.class));
            }
            else if (type.equals(Verdict.TYPE)) {
                remember(json.treeToValue(record, Verdict.class));
            }
        }
        catch (JacksonException cutShort) {
            // The last line of a run that was stopped while writing it: done again.
        }
    }

    private void remember(Answer answer) {
        answers.put(answer.prompt() + "\n" + answer.contestant(), answer);
    }

    private void remember(Verdict verdict) {
        verdicts.put(key(verdict.prompt(), verdict.contestant(), verdict.baseline(), verdict.judge(), verdict.order()),
                verdict);
    }

    /** The contestant's answer to the prompt, if one was written and did not fail. */
    synchronized Answer answer(String prompt, String contestant) {
        Answer answer = answers.get(prompt + "\n" + contestant);
        return answer != null && answer.answered() ? answer : null;
    }

    /** The verdict on that order of that pair by that judge, if one was given. */
    synchronized Verdict verdict(String prompt, String contestant, String baseline, String judge, String order) {
        Verdict verdict = verdicts.get(key(prompt, contestant, baseline, judge, order));
        return verdict != null && verdict.error() == null ? verdict : null;
    }

    /** What was written last, failures included, as figures and the report read it. */
    Scoreboard.Lookup lookup(String baseline, String judge) {
        return new Scoreboard.Lookup() {
            @Override
            public Answer answer(String prompt, String contestant) {
                synchronized (Results.this) {
                    return answers.get(prompt + "\n" + contestant);
                }
            }

            @Override
            public Verdict verdict(String prompt, String contestant, String order) {
                synchronized (Results.this) {
                    return verdicts.get(key(prompt, contestant, baseline, judge, order));
                }
            }
        };
    }

    synchronized void add(Answer answer) {
        write(answer);
        remember(answer);
    }

    synchronized void add(Verdict verdict) {
        write(verdict);
        remember(verdict);
    }

    private void write(Object record) {
        try {
            out.write(json.writeValueAsString(record));
            out.write('\n');
            out.flush();
        }
        catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    private static String key(String... parts) {
        return String.join("\n", parts);
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
