package dev.moagateway.upstream;

import dev.moagateway.openai.ChatCompletionRequest;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A provider of chat completions: an OpenAI-compatible endpoint, or the built-in simulated one. The
 * request's {@code model} is the provider's own model name, without the provider prefix. Answers are the
 * provider's JSON as written, checked but not decoded: a passthrough relays it as is, and a mixture decodes
 * what it reads exactly once.
 */
public interface Upstream {

    /**
     * Emits the provider's completion, one JSON object, then completes. Errors with {@link UpstreamException}
     * when the provider refuses, fails, times out or answers with something that is not a completion.
     * Cancelling abandons the call and closes its connection. {@code observer} hears of it as it goes.
     */
    Mono<byte[]> complete(ChatCompletionRequest request, CallObserver observer);

    /**
     * Emits each chunk's JSON as it arrives and completes after the last one ({@code [DONE]} is not emitted).
     * Errors with {@link UpstreamException} on a refusal, a timeout, an error event, a chunk that is not JSON
     * or a stream that stops before it finished. Cancelling abandons the call and closes its connection.
     * {@code observer} hears of each chunk.
     */
    Flux<String> stream(ChatCompletionRequest request, CallObserver observer);

    /** How it continues a trailing assistant message, if it does. */
    default Prefill prefill() {
        return Prefill.NONE;
    }

    /** How it takes a conversation's tool calls and results in a request that offers no tools. */
    default ToolMessages toolMessages() {
        return ToolMessages.TEXT;
    }

    /** {@link #complete(ChatCompletionRequest, CallObserver)} unobserved. */
    default Mono<byte[]> complete(ChatCompletionRequest request) {
        return complete(request, CallObserver.NONE);
    }

    /** {@link #stream(ChatCompletionRequest, CallObserver)} unobserved. */
    default Flux<String> stream(ChatCompletionRequest request) {
        return stream(request, CallObserver.NONE);
    }
}
