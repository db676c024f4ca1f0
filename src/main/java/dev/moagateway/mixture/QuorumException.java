package dev.moagateway.mixture;

/** A layer in which fewer proposers answered than it requires; the message names each failure. */
public final class QuorumException extends RuntimeException {

    QuorumException(String message) {
        super(message, null, false, false);
    }
}
