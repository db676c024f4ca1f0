package dev.moagateway.openai;

/**
 * A request of another protocol (Responses, Messages) that cannot be translated as it is: {@code param} names
 * the place, the message says why.
 */
public final class InvalidInput extends RuntimeException {

    private final String param;

    public InvalidInput(String param, String message) {
        super(message, null, false, false);
        this.param = param;
    }

    public String param() {
        return param;
    }
}
