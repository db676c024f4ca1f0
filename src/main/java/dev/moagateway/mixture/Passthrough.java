package dev.moagateway.mixture;

import dev.moagateway.observability.CallLabels;
import dev.moagateway.observability.ObservedCall;
import dev.moagateway.observability.RequestScope;
import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.upstream.Upstream;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A {@code provider/model} request: sent to that provider under its own model name, its answer relayed as is. */
public final class Passthrough implements Route {

    private final String provider;
    private final Upstream upstream;
    private final String upstreamModel;

    Passthrough(String provider, Upstream upstream, String upstreamModel) {
        this.provider = provider;
        this.upstream = upstream;
        this.upstreamModel = upstreamModel;
    }

    /** The provider's completion as it wrote it; errors and cancels as {@link Upstream#complete}. */
    public Mono<byte[]> complete(ChatCompletionRequest request, RequestScope scope) {
        return Mono.defer(() -> {
            ChatCompletionRequest shaped = request.withModel(upstreamModel);
            ObservedCall call = scope.call(CallLabels.passthrough(provider, upstreamModel), shaped);
            return call.watch(upstream.complete(shaped, call));
        });
    }

    /** The provider's chunks as it wrote them; errors and cancels as {@link Upstream#stream}. */
    public Flux<String> stream(ChatCompletionRequest request, RequestScope scope) {
        return Flux.defer(() -> {
            ChatCompletionRequest shaped = request.withModel(upstreamModel);
            ObservedCall call = scope.call(CallLabels.passthrough(provider, upstreamModel), shaped);
            return call.watch(upstream.stream(shaped, call));
        });
    }
}
