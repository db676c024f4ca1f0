package dev.moagateway.upstream;

import java.util.function.BiConsumer;

/**
 * What the caller of one upstream call hears of it as it goes, and the headers it adds to it. An
 * {@link Upstream} calls it from the call's own thread; every method is cheap, and a chunk costs one call.
 */
public interface CallObserver {

    /** Hears nothing, adds nothing. */
    CallObserver NONE = new CallObserver() {
    };

    /** Puts this call's own headers, such as the request id and the trace context, beside the provider's. */
    default void headers(BiConsumer<String, String> header) {
    }

    /** An attempt failed in a way that is safe to repeat, and the call is made again. */
    default void retrying(UpstreamException failure) {
    }

    /**
     * A chunk arrived, or the whole completion: the first marks the call's first chunk. Each value is what
     * this part of the answer said, or null (-1 for counts) when it did not say it.
     */
    default void received(String responseModel, String finishReason, long inputTokens, long outputTokens) {
    }
}
