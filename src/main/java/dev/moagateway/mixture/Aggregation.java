package dev.moagateway.mixture;

/**
 * When the aggregator starts. {@code FULL}: once the last layer has settled, from its complete drafts.
 * {@code STAIRCASE}: as soon as the last layer's drafts have their first tokens, in steps that continue its
 * own text as the drafts grow, the last step once they are complete (arXiv 2510.05059).
 */
public enum Aggregation {
    FULL,
    STAIRCASE
}
