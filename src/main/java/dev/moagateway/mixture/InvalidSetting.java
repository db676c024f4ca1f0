package dev.moagateway.mixture;

/**
 * A mixture's setting that cannot work, thrown where the setting is bound. {@code key} is the setting's name
 * within the object that holds it ({@code min-proposers}, {@code model}), so whoever bound the object can
 * name the exact place: a configuration key at start, a request's {@code param} for a per-request mixture.
 */
public final class InvalidSetting extends IllegalArgumentException {

    private final String key;

    public InvalidSetting(String key, String message) {
        super(message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
