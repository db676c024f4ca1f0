package dev.moagateway.upstream;

import java.util.Locale;

/** How one upstream call ended, as the caller saw it. Its {@link #wireName()} is what traces and events show. */
public enum Outcome {

    /** A non-empty answer. */
    ANSWERED,
    /** The call succeeded but the answer has no text. */
    EMPTY,
    /** One of the call's own waits ran out: first chunk, next chunk, or the whole call. */
    TIMEOUT,
    /** The layer's deadline passed first: the layer went on without it and closed the call. */
    LATE,
    /** The provider answered with an error status. */
    REJECTED,
    /** No connection could be made, or it broke. */
    UNREACHABLE,
    /** The provider sent something that is not a valid completion, or an error mid-stream. */
    MALFORMED,
    /** The client left before the call ended. */
    CANCELLED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Outcome of(Throwable failure) {
        if (!(failure instanceof UpstreamException upstream)) {
            return MALFORMED;
        }
        return switch (upstream.kind()) {
            case REJECTED -> REJECTED;
            case TIMEOUT -> TIMEOUT;
            case UNREACHABLE -> UNREACHABLE;
            case MALFORMED -> MALFORMED;
        };
    }
}
