package dev.moagateway.mixture;

import dev.moagateway.openai.Usage;

/** What one proposer gave: an answer with its usage, or the reason it has none. */
record Proposal(String model, String text, Usage usage, String failure) {

    static Proposal answered(String model, String text, Usage usage) {
        return text == null || text.isBlank() ? failed(model, model + " returned an empty answer")
                : new Proposal(model, text, usage, null);
    }

    static Proposal failed(String model, String reason) {
        return new Proposal(model, null, null, reason);
    }

    boolean succeeded() {
        return failure == null;
    }
}
