package dev.moagateway.mixture;

/** Where a requested model goes: a mixture's run, or straight through to one provider. */
public sealed interface Route permits MixturePlan, Passthrough {
}
