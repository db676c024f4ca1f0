package dev.moagateway.mixture;

import java.util.ArrayList;
import java.util.List;

import dev.moagateway.mixture.MixtureEvent.DraftDelta;
import dev.moagateway.mixture.MixtureEvent.LayerSettled;
import dev.moagateway.mixture.MixtureEvent.ProposalSettled;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The last layer's drafts as they are written, for a staircase aggregator: how far each has come, which are
 * still being written, and which were dropped. A draft's tokens are counted as its chunks with text, as
 * OpenAI-compatible servers stream about one token a chunk. Its events come one at a time; the aggregator's
 * steps read it from other threads.
 */
final class GrowingDrafts {

    private final StringBuilder[] texts;
    private final int[] tokens;
    private final boolean[] settled;
    private final boolean[] answered;
    private final int quorum;
    private boolean complete;
    /** Each change, the latest kept for whoever starts waiting after it. */
    private final Sinks.Many<Boolean> changes = Sinks.many().replay().latest();

    /** {@code quorum}: the answers the layer needs, without which it never completes (the run fails). */
    GrowingDrafts(int proposers, int quorum) {
        this.quorum = quorum;
        texts = new StringBuilder[proposers];
        tokens = new int[proposers];
        settled = new boolean[proposers];
        answered = new boolean[proposers];
        for (int i = 0; i < proposers; i++) {
            texts[i] = new StringBuilder();
        }
    }

    /** Notes one of the layer's events; they come one at a time. */
    void note(MixtureEvent event) {
        synchronized (this) {
            if (event instanceof DraftDelta delta) {
                texts[delta.index()].append(delta.text());
                tokens[delta.index()]++;
            }
            else if (event instanceof ProposalSettled proposal) {
                settled[proposal.index()] = true;
                answered[proposal.index()] = proposal.report().answered();
            }
            else if (event instanceof LayerSettled layer) {
                complete = layer.answered() >= quorum;
            }
            else {
                return;
            }
        }
        // Outside the lock: whoever waits may go on to build its prompt from here.
        changes.tryEmitNext(Boolean.TRUE);
    }

    /**
     * Completes once every draft still being written has {@code count} tokens, or the layer has settled. When
     * every proposer has settled but the layer has not yet, it waits for the layer, which comes next.
     */
    Mono<Void> grownTo(int count) {
        return changes.asFlux().filter(change -> ready(count)).next().then();
    }

    private synchronized boolean ready(int count) {
        if (complete) {
            return true;
        }
        boolean writing = false;
        for (int i = 0; i < tokens.length; i++) {
            if (!settled[i]) {
                writing = true;
                if (tokens[i] < count) {
                    return false;
                }
            }
        }
        return writing;
    }

    /** Whether the layer has settled with its quorum: its answered drafts are the run's references. */
    synchronized boolean complete() {
        return complete;
    }

    /** The drafts so far, in configured order: those still being written or answered, with some text. */
    synchronized List<String> texts() {
        List<String> drafts = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            if ((!settled[i] || answered[i]) && !texts[i].isEmpty()) {
                drafts.add(texts[i].toString());
            }
        }
        return drafts;
    }
}
