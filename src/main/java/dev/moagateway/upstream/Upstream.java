package dev.moagateway.upstream;

import dev.moagateway.openai.ChatCompletion;
import dev.moagateway.openai.ChatCompletionChunk;
import dev.moagateway.openai.ChatCompletionRequest;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A provider of chat completions: an OpenAI-compatible endpoint, or the built-in simulated one.
 * The request's {@code model} is the provider's own model name, without the provider prefix.
 */
public interface Upstream {

    /**
     * Emits the provider's completion, then completes. Errors with {@link UpstreamException} when the
     * provider refuses, fails or times out. Cancelling abandons the call and closes its connection.
     */
    Mono<ChatCompletion> complete(ChatCompletionRequest request);

    /**
     * Emits the provider's chunks as they arrive and completes after the last one ({@code [DONE]} is not
     * emitted). Errors with {@link UpstreamException} on a refusal, a timeout, an error event or a stream
     * that stops before it finished. Cancelling abandons the call and closes its connection.
     */
    Flux<ChatCompletionChunk> stream(ChatCompletionRequest request);

    /** As {@link #complete}, but the completion's JSON as the provider wrote it: a passthrough relays it as is. */
    Mono<byte[]> completeVerbatim(ChatCompletionRequest request);

    /** As {@link #stream}, but each chunk's JSON as the provider wrote it: a passthrough relays it as is. */
    Flux<String> streamVerbatim(ChatCompletionRequest request);
}
