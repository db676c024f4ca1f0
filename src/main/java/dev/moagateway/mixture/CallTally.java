package dev.moagateway.mixture;

import dev.moagateway.openai.ChatCompletionChunk;
import dev.moagateway.openai.Usage;
import dev.moagateway.upstream.Outcome;

/** What one streamed call has given so far: its text, its usage, when its first text came. One per call. */
final class CallTally {

    private final String model;
    private final Integer sample;
    private final long start = System.nanoTime();
    private final StringBuilder text = new StringBuilder();
    /** When its first text or tool call came, or 0 before. */
    private long firstOutputAt;
    private int chunks;
    private boolean calledTools;
    private Usage usage;

    CallTally(String model, Integer sample) {
        this.model = model;
        this.sample = sample;
    }

    /** Notes the chunk's usage, text and tool calls; returns the text, empty when it has none. */
    String read(ChatCompletionChunk chunk) {
        // Some servers repeat a running total on every chunk: the last usage seen is the call's usage.
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
        String delta = chunk.text();
        boolean callsTools = chunk.callsTools();
        if (firstOutputAt == 0 && (!delta.isEmpty() || callsTools)) {
            firstOutputAt = System.nanoTime();
        }
        calledTools |= callsTools;
        if (!delta.isEmpty()) {
            text.append(delta);
            chunks++;
        }
        return delta;
    }

    /** A proposer's report: answered with its text, or empty. */
    CallReport proposal() {
        String answer = text.toString();
        return answer.isBlank() ? report(Outcome.EMPTY, null, model + " returned an empty answer")
                : report(Outcome.ANSWERED, answer, null);
    }

    /** The aggregator's report: its text or tool calls are the answer itself, which the client has. */
    CallReport aggregation() {
        return text.isEmpty() && !calledTools ? report(Outcome.EMPTY, null, null)
                : report(Outcome.ANSWERED, null, null);
    }

    /** The chunks with text so far: about its tokens, when the provider sends no usage. */
    int chunks() {
        return chunks;
    }

    /** The text so far. */
    String text() {
        return text.toString();
    }

    CallReport failed(Outcome outcome, String error) {
        return report(outcome, null, error);
    }

    private CallReport report(Outcome outcome, String answer, String error) {
        long now = System.nanoTime();
        Long firstTokenMs = firstOutputAt == 0 ? null : millis(firstOutputAt - start);
        return new CallReport(model, sample, outcome, answer, error, usage, firstTokenMs, millis(now - start), null);
    }

    static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
