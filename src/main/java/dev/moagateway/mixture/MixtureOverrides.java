package dev.moagateway.mixture;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.moagateway.upstream.Prefill;
import dev.moagateway.upstream.UpstreamRegistry;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Per-request mixtures: a request's {@code moa.layers} and {@code moa.aggregator}, in the configuration's
 * shape, replace those parts of the mixture it names, for that request. They are bound by the binder that
 * binds the configuration, into the same records with the same checks, so a request can ask for nothing a
 * configuration could not say; limits bound what one request can make the gateway call.
 *
 * @param enabled      false refuses every request that brings a mixture's parts
 * @param maxLayers    layers a request's mixture may have
 * @param maxProposers calls a layer of it may make, samples counted
 * @param maxCalls     calls its run may make in all, the aggregator's included
 */
public record MixtureOverrides(boolean enabled, int maxLayers, int maxProposers, int maxCalls, Set<String> providers,
        UpstreamRegistry upstreams) {

    /** The request field that holds the parts, and the root of every error's {@code param}. */
    public static final String FIELD = "moa";

    private static final Pattern WORD_BREAK = Pattern.compile("([a-z0-9])([A-Z])|_");

    public MixtureOverrides {
        if (maxLayers < 1 || maxProposers < 1 || maxCalls < 2) {
            throw new IllegalArgumentException("moa.overrides: max-layers and max-proposers must be at least 1, "
                    + "max-calls at least 2");
        }
        providers = Set.copyOf(providers);
    }

    /**
     * The plan of {@code base} with the parts in {@code parts} (an object with {@code layers} and/or
     * {@code aggregator}) instead of its own. Errors with {@link InvalidSetting} whose key is the request's
     * exact place, such as {@code moa.layers[0].proposers[2].model}.
     */
    public MixturePlan apply(MixturePlan base, JsonNode parts) {
        if (!enabled) {
            throw new InvalidSetting(FIELD, "Per-request mixtures are off on this server: 'moa' may hold progress, "
                    + "trace and events only (the server's moa.overrides.enabled is false).");
        }
        Parts bound = bind(parts);
        Mixture configured = base.mixture();
        Mixture mixture;
        try {
            mixture = configured.with(bound.layers() != null ? bound.layers() : configured.layers(),
                    bound.aggregator() != null ? bound.aggregator() : configured.aggregator());
        }
        catch (InvalidSetting invalid) {
            throw new InvalidSetting(FIELD + "." + invalid.key(), invalid.getMessage());
        }
        mixture.unknownProviders(FIELD, providers).stream().findFirst().ifPresent(problem -> {
            throw problem;
        });
        if (mixture.staircased() && bound.aggregator() != null) {
            String provider = mixture.aggregator().ref().provider();
            upstreams.find(provider).filter(upstream -> upstream.prefill() == Prefill.NONE).ifPresent(upstream -> {
                throw new InvalidSetting(FIELD + ".aggregator.model", "This mixture aggregates as a staircase, which "
                        + "needs an aggregator whose provider continues a trailing assistant message; '" + provider
                        + "' does not (its prefill is none).");
            });
        }
        if (bound.layers() != null) {
            checkLayers(mixture);
        }
        if (bound.layers() != null || bound.aggregator() != null) {
            checkCalls(mixture, bound.layers() != null ? "layers" : "aggregator");
        }
        return MixturePlan.resolve(base.id(), mixture, upstreams);
    }

    private void checkLayers(Mixture mixture) {
        List<Layer> layers = mixture.layers();
        if (layers.size() > maxLayers) {
            throw new InvalidSetting(FIELD + ".layers", "A request's mixture may have at most " + maxLayers
                    + " layers here, got " + layers.size() + ".");
        }
        for (int l = 0; l < layers.size(); l++) {
            int layerCalls = layers.get(l).calls();
            if (layerCalls > maxProposers) {
                throw new InvalidSetting(FIELD + ".layers[" + l + "].proposers", "A layer of a request's mixture may "
                        + "make at most " + maxProposers + " calls here (samples counted), got " + layerCalls + ".");
            }
        }
    }

    /** Named at the part that brought the calls: the layers when they were replaced, else the aggregator. */
    private void checkCalls(Mixture mixture, String part) {
        int calls = mixture.calls().mapToInt(ModelCall::samples).sum();
        if (calls > maxCalls) {
            throw new InvalidSetting(FIELD + "." + part, "A request's mixture may make at most " + maxCalls
                    + " calls here (every proposer's samples, the analyst and the aggregator), got " + calls + ".");
        }
    }

    /** Binds the parts as the configuration is bound; every key must be one the records take. */
    private static Parts bind(JsonNode parts) {
        for (String part : List.of("layers", "aggregator")) {
            JsonNode value = parts.path(part);
            boolean shaped = part.equals("layers") ? value.isArray() : value.isObject();
            if (!value.isMissingNode() && !shaped) {
                throw new InvalidSetting(FIELD + "." + part, "'" + FIELD + "." + part + "' must be "
                        + (part.equals("layers") ? "an array of layers" : "an object") + " in the configuration's "
                        + "shape, got '" + value + "'.");
            }
        }
        Map<String, String> properties = new LinkedHashMap<>();
        flatten(FIELD, parts, properties);
        Set<String> bound = new HashSet<>();
        BindHandler recordBound = new AbstractBindHandler() {
            @Override
            public Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
                    Object result) {
                if (context.getConfigurationProperty() != null) {
                    bound.add(context.getConfigurationProperty().getName().toString());
                }
                return result;
            }
        };
        Parts result;
        try {
            result = new Binder(new MapConfigurationPropertySource(properties))
                    .bind(FIELD, Bindable.of(Parts.class), recordBound).orElseGet(() -> new Parts(null, null));
        }
        catch (BindException failure) {
            throw invalid(failure);
        }
        properties.keySet().stream().filter(name -> !bound.contains(name)).findFirst().ifPresent(name -> {
            throw new InvalidSetting(name, "Unknown parameter: '" + name + "'.");
        });
        return result;
    }

    /** The failure named by the innermost place it is known at: the setting, else the property, else the object. */
    private static InvalidSetting invalid(BindException failure) {
        String place = failure.getName().toString();
        for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidSetting invalid) {
                return new InvalidSetting(place + "." + invalid.key(), invalid.getMessage());
            }
        }
        ConfigurationProperty property = failure.getProperty();
        String name = property != null ? property.getName().toString() : place;
        String value = property != null ? " '" + property.getValue() + "'" : "";
        return new InvalidSetting(name, "Invalid value" + value + " for '" + name + "'.");
    }

    /**
     * JSON as properties: objects by {@code .key}, arrays by {@code [i]}, keys in kebab case (as camel or snake
     * case keys would be in YAML). The keys of {@code params} are request fields and stay as they are; its
     * values that are not strings are their JSON text, as the configuration takes them.
     */
    private static void flatten(String prefix, JsonNode node, Map<String, String> into) {
        if (node.isObject()) {
            node.properties().forEach(entry -> {
                String key = kebab(entry.getKey());
                if (key.equals("params") && entry.getValue().isObject()) {
                    entry.getValue().properties().forEach(param ->
                            put(prefix + ".params[" + param.getKey() + "]", param.getValue(), into));
                }
                else {
                    flatten(prefix + "." + key, entry.getValue(), into);
                }
            });
        }
        else if (node.isArray() && !node.isEmpty()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(prefix + "[" + i + "]", node.get(i), into);
            }
        }
        else {
            put(prefix, node, into);
        }
    }

    private static void put(String name, JsonNode value, Map<String, String> into) {
        if (!value.isNull()) {
            into.put(name, value.isString() ? value.stringValue() : value.isArray() ? "" : value.toString());
        }
    }

    private static String kebab(String key) {
        return WORD_BREAK.matcher(key).replaceAll(match -> match.group(1) == null ? "-"
                : match.group(1) + "-" + match.group(2)).toLowerCase(Locale.ROOT);
    }

    /** The parts a request may bring; either may be absent. */
    record Parts(List<Layer> layers, ModelCall aggregator) {
    }
}
