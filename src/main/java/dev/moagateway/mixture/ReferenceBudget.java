package dev.moagateway.mixture;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.upstream.ContextWindow;
import dev.moagateway.upstream.TokenCounter;

/**
 * Shortens a call's references so that its prompt and its answer fit its model's context window: the
 * conversation is the client's and stays whole, the drafts give way, the longest first, each cut marked as
 * such, so that no draft is cut while a longer one is whole.
 */
final class ReferenceBudget {

    /** The request as sent, and how many of its references were cut. */
    record Fitted(ChatCompletionRequest request, int cut) {
    }

    // A cut's marker, and what it costs at most.
    private static final String MARKER = "\n[The rest of this draft, about %d tokens, was cut to fit the context window.]";
    private static final int MARKER_TOKENS = 24;
    // Counts that miss by a little (where references meet the instruction) are made good in a few rounds.
    private static final int ROUNDS = 3;

    private ReferenceBudget() {
    }

    /** Whether {@code request} needs no fitting: known without encoding its text. */
    static boolean surelyFits(ContextWindow window, ChatCompletionRequest request) {
        return window == null || window.surelyFits(request);
    }

    /**
     * The request {@code build} makes of {@code references}, cut where it must be. Encodes the prompt, which for
     * long ones takes milliseconds: not to be run on an event loop.
     */
    static Fitted fit(ContextWindow window, List<String> references,
            Function<List<String>, ChatCompletionRequest> build) {
        ChatCompletionRequest whole = build.apply(references);
        int room = window.promptRoom(whole);
        int over = window.promptTokens(whole) - room;
        if (over <= 0) {
            return new Fitted(whole, 0);
        }
        TokenCounter counter = window.counter();
        int[] sizes = references.stream().mapToInt(counter::count).toArray();
        int budget = Arrays.stream(sizes).sum() - over;
        ChatCompletionRequest fitted = whole;
        int cut = 0;
        for (int round = 0; round < ROUNDS && over > 0; round++) {
            int cap = cap(sizes, budget - MARKER_TOKENS * references.size());
            List<String> shortened = new ArrayList<>();
            cut = 0;
            for (int i = 0; i < references.size(); i++) {
                if (sizes[i] > cap) {
                    shortened.add(counter.head(references.get(i), cap) + MARKER.formatted(sizes[i] - cap));
                    cut++;
                }
                else {
                    shortened.add(references.get(i));
                }
            }
            fitted = build.apply(shortened);
            over = window.promptTokens(fitted) - room;
            budget -= Math.max(over, 0);
        }
        return new Fitted(fitted, cut);
    }

    /**
     * The largest length every reference may keep so that together they take at most {@code budget}: those
     * shorter stay whole, the longer ones are cut to it.
     */
    static int cap(int[] sizes, int budget) {
        int[] descending = Arrays.stream(sizes).boxed().sorted((a, b) -> b - a).mapToInt(Integer::intValue).toArray();
        int rest = Arrays.stream(sizes).sum();
        for (int k = 0; k < descending.length; k++) {
            rest -= descending[k];
            int cap = (budget - rest) / (k + 1);
            int next = k + 1 < descending.length ? descending[k + 1] : 0;
            if (cap >= next) {
                return Math.max(0, cap);
            }
        }
        return 0;
    }
}
