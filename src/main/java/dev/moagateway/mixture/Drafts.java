package dev.moagateway.mixture;

import java.util.List;

import dev.moagateway.openai.Usage;

/** The answers one layer hands to the next, and the usage of every call made so far. */
record Drafts(List<String> texts, Usage usage) {

    static final Drafts NONE = new Drafts(List.of(), Usage.ZERO);
}
