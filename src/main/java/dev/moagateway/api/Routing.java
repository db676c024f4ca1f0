package dev.moagateway.api;

import dev.moagateway.mixture.Catalog;
import dev.moagateway.mixture.InvalidSetting;
import dev.moagateway.mixture.MixtureOverrides;
import dev.moagateway.mixture.MixturePlan;
import dev.moagateway.mixture.Passthrough;
import dev.moagateway.mixture.Route;
import dev.moagateway.observability.RequestScope;
import dev.moagateway.openai.ErrorDetail;
import org.springframework.http.HttpStatus;

/**
 * Where a request goes, for every protocol: a mixture's id to that mixture (with the request's own parts, when
 * it brings some), {@code provider/model} to that provider; and what a mixture request may not do.
 */
final class Routing {

    private final Catalog catalog;
    private final MixtureOverrides overrides;
    private final boolean traceEnabled;
    private final int maxDepth;

    /**
     * {@code traceEnabled} false ignores every request for a trace; a mixture request whose caller's depth has
     * reached {@code maxDepth} is refused.
     */
    Routing(Catalog catalog, MixtureOverrides overrides, boolean traceEnabled, int maxDepth) {
        this.catalog = catalog;
        this.overrides = overrides;
        this.traceEnabled = traceEnabled;
        this.maxDepth = maxDepth;
    }

    /** The model's route; an unknown model is a 404. */
    Route route(String model, MoaOptions moa) {
        Route route = catalog.route(model).orElseThrow(() -> ApiException.modelNotFound(model));
        if (route instanceof Passthrough && moa.mixture() != null) {
            throw ApiException.invalidRequest(MoaOptions.FIELD, "'moa.layers' and 'moa.aggregator' change a "
                    + "mixture, and '" + model + "' is a provider's model: ask for a mixture's id.");
        }
        return route;
    }

    /** The mixture this request runs: the configured one, or with the request's own parts. */
    MixturePlan mixture(MixturePlan configured, MoaOptions moa, RequestScope scope) {
        MixturePlan mixture = moa.mixture() == null ? configured : perRequest(configured, moa);
        if (scope.depth() >= maxDepth) {
            throw ApiException.of(HttpStatus.BAD_REQUEST, ErrorDetail.INVALID_REQUEST, null, "mixture_depth_exceeded",
                    "This request has come through " + scope.depth() + " gateways' mixtures already ("
                    + RequestScope.DEPTH_HEADER + ": " + scope.depth() + "), and moa.max-depth is " + maxDepth
                    + ": refused, so that gateways calling each other cannot loop.");
        }
        return mixture;
    }

    /** What the request asks of the mixture's run, with the mixture's own progress where it asks for none. */
    MoaOptions options(MoaOptions moa, MixturePlan mixture) {
        return new MoaOptions(moa.progress() != null ? moa.progress() : mixture.progress(),
                traceEnabled && moa.trace(), moa.events(), null);
    }

    /** The mixture with the request's own parts; what cannot be is a 400 naming the exact place. */
    private MixturePlan perRequest(MixturePlan configured, MoaOptions moa) {
        try {
            return overrides.apply(configured, moa.mixture());
        }
        catch (InvalidSetting invalid) {
            throw ApiException.invalidRequest(invalid.key(), invalid.getMessage());
        }
    }
}
