package dev.moagateway.observability;

/**
 * Who one upstream call is for, as its meters and span name it.
 *
 * @param provider the provider's configured name
 * @param model    the model as the provider is asked for it (without the provider's name)
 * @param mixture  the mixture's id, or {@code none} for a passthrough
 * @param role     {@code proposer}, {@code analyst}, {@code aggregator} or {@code passthrough}
 * @param layer    the proposer's layer from 1, the analyst's and aggregator's (one past the last), or
 *                 {@code none}
 */
public record CallLabels(String provider, String model, String mixture, String role, String layer) {

    public static final String NONE = "none";
    public static final String PROPOSER = "proposer";
    public static final String ANALYST = "analyst";
    public static final String AGGREGATOR = "aggregator";
    public static final String PASSTHROUGH = "passthrough";

    public static CallLabels proposer(String provider, String model, String mixture, int layer) {
        return new CallLabels(provider, model, mixture, PROPOSER, Integer.toString(layer));
    }

    public static CallLabels analyst(String provider, String model, String mixture, int layer) {
        return new CallLabels(provider, model, mixture, ANALYST, Integer.toString(layer));
    }

    public static CallLabels aggregator(String provider, String model, String mixture, int layer) {
        return new CallLabels(provider, model, mixture, AGGREGATOR, Integer.toString(layer));
    }

    public static CallLabels passthrough(String provider, String model) {
        return new CallLabels(provider, model, NONE, PASSTHROUGH, NONE);
    }

    CallLabels withModel(String tag) {
        return new CallLabels(provider, tag, mixture, role, layer);
    }
}
