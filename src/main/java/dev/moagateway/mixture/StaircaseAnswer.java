package dev.moagateway.mixture;

import java.util.ArrayList;
import java.util.List;

import dev.moagateway.openai.ChatCompletionChunk;
import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.ChatMessage;
import dev.moagateway.openai.ChunkChoice;
import dev.moagateway.openai.Usage;
import dev.moagateway.upstream.Outcome;
import dev.moagateway.upstream.Prefill;
import tools.jackson.databind.node.BooleanNode;

/**
 * A staircase aggregator's answer over its steps: the text written so far, which each next step continues;
 * what the steps used and cost; and how each step's chunks join the one answer the client sees, with the first
 * step's role and the last step's finish only. Steps run one after another.
 */
final class StaircaseAnswer {

    private final Member aggregator;
    private final long start = System.nanoTime();
    private final StringBuilder text = new StringBuilder();
    private Usage usage;
    private Double costUsd;
    private int written;
    private int steps;
    private Long firstTokenMs;

    StaircaseAnswer(Member aggregator) {
        this.aggregator = aggregator;
    }

    /** The conversation, framed for a step, with the answer so far as the assistant message to continue. */
    List<ChatMessage> continuing(List<ChatMessage> framed) {
        if (text.isEmpty()) {
            return framed;
        }
        List<ChatMessage> messages = new ArrayList<>(framed);
        messages.add(ChatMessage.of(ChatMessage.ASSISTANT, text.toString()));
        return messages;
    }

    /**
     * The step's request: asked to continue where the provider must be, and capped at {@code chunk} tokens
     * unless it is the last step (null). Every step stays within what is left of the answer's own limit.
     */
    ChatCompletionRequest step(ChatCompletionRequest prompt, Integer chunk) {
        ChatCompletionRequest request = prompt;
        if (!text.isEmpty() && aggregator.upstream().prefill() == Prefill.CONTINUE_FINAL_MESSAGE) {
            request = request.withExtra("continue_final_message", BooleanNode.TRUE)
                    .withExtra("add_generation_prompt", BooleanNode.FALSE);
        }
        Integer left = left(prompt);
        Integer cap = chunk == null ? left : left == null ? chunk : Integer.valueOf(Math.min(chunk, left));
        return cap == null ? request : request.withMaxTokens(cap);
    }

    /** Whether the answer's own limit is used up, so that no step may follow. */
    boolean exhausted(ChatCompletionRequest prompt) {
        Integer left = left(prompt);
        return left != null && left < 1;
    }

    private Integer left(ChatCompletionRequest prompt) {
        Integer limit = prompt.maxTokens() != null ? prompt.maxTokens() : prompt.maxCompletionTokens();
        return limit == null ? null : limit - written;
    }

    /** The chunk as part of the one answer, or null when nothing of it is: a later step's role, say. */
    ChatCompletionChunk relay(ChatCompletionChunk chunk, boolean last) {
        boolean first = steps == 0;
        if (firstTokenMs == null && !chunk.text().isEmpty()) {
            firstTokenMs = CallTally.millis(System.nanoTime() - start);
        }
        if (!chunk.choices().isEmpty() && passesAsIs(chunk, first, last)) {
            return chunk;
        }
        List<ChunkChoice> kept = new ArrayList<>(chunk.choices().size());
        for (ChunkChoice choice : chunk.choices()) {
            ChatMessage delta = choice.delta();
            if (delta != null && !first && delta.role() != null) {
                delta = new ChatMessage(null, delta.content(), delta.toolCalls(), delta.toolCallId(), delta.extra());
            }
            String finish = last ? choice.finishReason() : null;
            boolean empty = delta == null || !delta.shows();
            if (!empty || finish != null) {
                kept.add(new ChunkChoice(choice.index(), delta, finish, choice.extra()));
            }
        }
        if (kept.isEmpty()) {
            return null;
        }
        return new ChatCompletionChunk(chunk.id(), chunk.object(), chunk.created(), chunk.model(), kept, null,
                chunk.extra());
    }

    /**
     * Most chunks are text alone, with neither a role to drop, a finish to hold back nor an empty choice to
     * leave out: no copy for them.
     */
    private static boolean passesAsIs(ChatCompletionChunk chunk, boolean first, boolean last) {
        for (ChunkChoice choice : chunk.choices()) {
            ChatMessage delta = choice.delta();
            boolean role = delta != null && delta.role() != null;
            boolean empty = delta == null || !delta.shows();
            if (role && !first || choice.finishReason() != null && !last || empty && choice.finishReason() == null) {
                return false;
            }
        }
        return true;
    }

    /** A step ended: its text joins the answer so far, its usage and cost the answer's. */
    void stepped(CallTally step, Double cost) {
        steps++;
        String stepText = step.text();
        text.append(stepText);
        CallReport report = step.aggregation();
        usage = report.usage() == null ? usage : report.usage().plus(usage);
        if (cost != null) {
            costUsd = costUsd == null ? cost : costUsd + cost;
        }
        written += report.usage() != null && report.usage().completionTokens() != null
                ? report.usage().completionTokens() : step.chunks();
    }

    /** The answer's end when its limit ran out between steps: a finish of its own. */
    static ChatCompletionChunk finishedAtLimit() {
        return new ChatCompletionChunk(null, ChatCompletionChunk.OBJECT, null, null,
                List.of(new ChunkChoice(0, new ChatMessage(null, null, null), "length", null)), null, null);
    }

    int steps() {
        return steps;
    }

    /** The aggregator's report: every step's usage and cost together, timed from the first step's start. */
    CallReport report() {
        Outcome outcome = text.isEmpty() ? Outcome.EMPTY : Outcome.ANSWERED;
        return new CallReport(aggregator.id(), null, outcome, null, null, usage, firstTokenMs,
                CallTally.millis(System.nanoTime() - start), costUsd);
    }
}
