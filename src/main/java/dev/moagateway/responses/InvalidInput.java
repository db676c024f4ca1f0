package dev.moagateway.responses;

/** A Responses request that cannot be served as it is: {@code param} names the place, the message says why. */
public final class InvalidInput extends RuntimeException {

    private final String param;

    InvalidInput(String param, String message) {
        super(message, null, false, false);
        this.param = param;
    }

    public String param() {
        return param;
    }
}
