package dev.moagateway.upstream;

import java.time.Duration;

/**
 * A failed upstream call. {@code source} names the call ({@code provider/model}); the message is safe to
 * show a client: it carries the provider's own error text but never a key or a header.
 */
public final class UpstreamException extends RuntimeException {

    /** What went wrong, which decides whether a retry is safe and what the client is told. */
    public enum Kind {
        /** The provider answered with an error status. */
        REJECTED,
        /** A configured wait ran out. */
        TIMEOUT,
        /** No answer: the connection could not be made or broke. */
        UNREACHABLE,
        /** The provider answered with something that is not a valid completion, or failed mid-stream. */
        MALFORMED
    }

    private final Kind kind;
    private final int status;
    private final Duration retryAfter;

    private UpstreamException(Kind kind, int status, Duration retryAfter, String message, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public static UpstreamException rejected(String source, int status, String detail, Duration retryAfter) {
        return new UpstreamException(Kind.REJECTED, status, retryAfter,
                source + " returned HTTP " + status + (detail.isBlank() ? "" : ": " + detail), null);
    }

    public static UpstreamException timeout(String source, String wait, Duration limit) {
        return new UpstreamException(Kind.TIMEOUT, 0, null,
                source + " timed out: no " + wait + " within " + limit.toMillis() + " ms", null);
    }

    public static UpstreamException unreachable(String source, Throwable cause) {
        return new UpstreamException(Kind.UNREACHABLE, 0, null, source + " could not be reached: " + describe(cause),
                cause);
    }

    public static UpstreamException malformed(String source, String detail) {
        return new UpstreamException(Kind.MALFORMED, 0, null, source + " " + detail, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The provider's HTTP status for {@link Kind#REJECTED}, else 0. */
    public int status() {
        return status;
    }

    /** The provider's {@code Retry-After}, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    public boolean isRetryable() {
        return switch (kind) {
            case UNREACHABLE -> true;
            case REJECTED -> status == 408 || status == 409 || status == 429 || status >= 500;
            case TIMEOUT, MALFORMED -> false;
        };
    }

    private static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }
}
