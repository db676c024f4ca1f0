package dev.moagateway.api;


import dev.moagateway.messages.AnthropicError;
import dev.moagateway.openai.ErrorDetail;
import dev.moagateway.openai.ErrorResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers in OpenAI's error shape (Anthropic's on the Messages endpoints) the requests Spring refuses before any
 * filter or handler sees them. Spring's {@code ReactorHttpHandlerAdapter} parses each request's URL with
 * {@code java.net.URI}; when that fails (a {@code %} without two hex digits after it; an unescaped quote, brace,
 * bar or backslash), it sets 400 and completes without writing, so {@link OpenAiErrorHandler} never runs and
 * the client gets an empty body. Reactor Netty's {@code mapHandle} sees what the adapter returned for every
 * request: a 400 whose headers have not gone out and that has no {@code x-request-id} (which
 * {@link RequestScopeFilter} gives every request Spring serves) is that refusal, and gets its body here.
 */
public final class MalformedUrlResponder implements NettyServerCustomizer {

    static final String MESSAGE = "The request URL is malformed: a '%' must be followed by two hexadecimal digits, "
            + "and characters such as spaces, quotes, braces, '|' and '\\' must be percent-encoded.";

    private final byte[] body;
    /** The same, in Anthropic's shape, for the Messages endpoints. */
    private final byte[] anthropicBody;

    public MalformedUrlResponder(JsonMapper json) {
        this.body = json.writeValueAsBytes(new ErrorResponse(
                new ErrorDetail(MESSAGE, ErrorDetail.INVALID_REQUEST, null, null)));
        this.anthropicBody = json.writeValueAsBytes(AnthropicError.of(HttpResponseStatus.BAD_REQUEST.code(), MESSAGE));
    }

    /** Reactor Netty keeps one {@code mapHandle}; nothing else in the gateway or in Spring Boot sets it. */
    @Override
    public HttpServer apply(HttpServer server) {
        return server.mapHandle((handled, connection) -> handled.then(Mono.defer(() -> answerIfRefused(connection))));
    }

    /**
     * Completes at once when the request was served, else after writing the error body (headers only for
     * {@code HEAD}). Errors only as a failed write does.
     */
    private Mono<Void> answerIfRefused(Connection connection) {
        if (!(connection instanceof HttpServerRequest request) || !(connection instanceof HttpServerResponse response)
                || response.hasSentHeaders() || !HttpResponseStatus.BAD_REQUEST.equals(response.status())
                || response.responseHeaders().contains(RequestScopeFilter.HEADER)) {
            return Mono.empty();
        }
        String id = RequestScopeFilter.idFor(request.requestHeaders().get(RequestScopeFilter.HEADER));
        response.header(RequestScopeFilter.HEADER, id)
                .header(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        if (HttpMethod.HEAD.equals(request.method())) {
            return Mono.empty();
        }
        boolean anthropic = request.uri().startsWith("/v1/messages");
        return response.sendByteArray(Mono.just(anthropic ? anthropicBody : body)).then();
    }
}
