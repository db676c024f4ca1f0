package dev.moagateway.mixture;

import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.upstream.Upstream;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A {@code provider/model} request: sent to that provider under its own model name, its answer relayed as is. */
public final class Passthrough implements Route {

    private final Upstream upstream;
    private final String upstreamModel;

    Passthrough(Upstream upstream, String upstreamModel) {
        this.upstream = upstream;
        this.upstreamModel = upstreamModel;
    }

    /** The provider's completion as it wrote it; errors and cancels as {@link Upstream#complete}. */
    public Mono<byte[]> complete(ChatCompletionRequest request) {
        return upstream.complete(request.withModel(upstreamModel));
    }

    /** The provider's chunks as it wrote them; errors and cancels as {@link Upstream#stream}. */
    public Flux<String> stream(ChatCompletionRequest request) {
        return upstream.stream(request.withModel(upstreamModel));
    }
}
