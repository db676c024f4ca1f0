package dev.moagateway.api;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

import dev.moagateway.mixture.QuorumException;
import dev.moagateway.openai.ErrorDetail;
import dev.moagateway.openai.InvalidInput;
import dev.moagateway.upstream.UpstreamException;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.util.InvalidUrlException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;

/** Turns any failure into what the client is told. Nothing internal (a class name, a trace) gets out. */
final class ApiErrors {

    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

    private ApiErrors() {
    }

    static ApiException toApi(Throwable failure) {
        if (failure instanceof ApiException api) {
            return api;
        }
        if (failure instanceof UpstreamException upstream) {
            return fromUpstream(upstream);
        }
        if (failure instanceof InvalidInput invalid) {
            return ApiException.invalidRequest(invalid.param(), invalid.getMessage());
        }
        if (failure instanceof QuorumException quorum) {
            return ApiException.of(HttpStatus.BAD_GATEWAY, ErrorDetail.UPSTREAM_ERROR, null, "proposers_failed",
                    quorum.getMessage());
        }
        JacksonException json = find(failure, JacksonException.class);
        if (json != null) {
            return fromJson(json);
        }
        if (failure instanceof InvalidUrlException) {
            // Spring's URL parser refusing what the client sent, such as an Origin of "http://a b".
            return ApiException.invalidRequest(null, "The request carries a malformed URL: " + failure.getMessage()
                    + ".");
        }
        if (failure instanceof MethodNotAllowedException) {
            return ApiException.of(HttpStatus.METHOD_NOT_ALLOWED, ErrorDetail.INVALID_REQUEST, null, null,
                    "This method is not allowed here.");
        }
        if (failure instanceof ResponseStatusException status) {
            HttpStatus code = HttpStatus.resolve(status.getStatusCode().value());
            return ApiException.of(code == null ? HttpStatus.BAD_REQUEST : code,
                    code != null && code.is5xxServerError() ? ErrorDetail.SERVER_ERROR : ErrorDetail.INVALID_REQUEST,
                    null, null, status.getReason() == null ? "The request could not be served." : status.getReason());
        }
        return ApiException.of(HttpStatus.INTERNAL_SERVER_ERROR, ErrorDetail.SERVER_ERROR, null, null,
                "The server had an error while processing your request.");
    }

    private static ApiException fromUpstream(UpstreamException upstream) {
        return switch (upstream.kind()) {
            case TIMEOUT -> ApiException.of(HttpStatus.GATEWAY_TIMEOUT, ErrorDetail.TIMEOUT, null, "upstream_timeout",
                    upstream.getMessage());
            case UNREACHABLE, MALFORMED -> ApiException.of(HttpStatus.BAD_GATEWAY, ErrorDetail.UPSTREAM_ERROR, null,
                    "upstream_error", upstream.getMessage());
            case REJECTED -> fromRejection(upstream);
        };
    }

    /**
     * A provider's 429 is the client's to wait on; its 400-class answers about the request are the client's
     * to fix; its 401/403 are the gateway's own credentials failing, and anything else is a bad gateway.
     */
    private static ApiException fromRejection(UpstreamException upstream) {
        int status = upstream.status();
        if (status == 429) {
            Duration wait = upstream.retryAfter() == null ? DEFAULT_RETRY_AFTER : upstream.retryAfter();
            return new ApiException(HttpStatus.TOO_MANY_REQUESTS,
                    new ErrorDetail(upstream.getMessage(), ErrorDetail.RATE_LIMIT, null, "rate_limit_exceeded"), wait);
        }
        if (List.of(400, 404, 409, 413, 422).contains(status)) {
            return ApiException.of(HttpStatus.valueOf(status), ErrorDetail.INVALID_REQUEST, null, null,
                    upstream.getMessage());
        }
        return ApiException.of(HttpStatus.BAD_GATEWAY, ErrorDetail.UPSTREAM_ERROR, null, "upstream_error",
                upstream.getMessage());
    }

    private static ApiException fromJson(JacksonException json) {
        if (json instanceof StreamConstraintsException) {
            return ApiException.invalidRequest(null, "The request's JSON is larger or more deeply nested than this "
                    + "server accepts.");
        }
        if (json instanceof StreamReadException) {
            return ApiException.invalidRequest(null, "The request body is not valid JSON: "
                    + firstLine(json.getOriginalMessage()));
        }
        String param = param(json.getPath());
        if (param.isEmpty()) {
            return ApiException.invalidRequest(null, "The request body must be a JSON object.");
        }
        return ApiException.invalidRequest(param, "Invalid type for '" + param + "'" + expected(json) + ".");
    }

    /** What the field should have been, in JSON's words rather than Java's. */
    private static String expected(JacksonException json) {
        Class<?> type = json instanceof MismatchedInputException mismatch ? mismatch.getTargetType() : null;
        if (type == null) {
            return "";
        }
        if (Number.class.isAssignableFrom(type)) {
            return ": expected a number";
        }
        if (type == Boolean.class) {
            return ": expected a boolean";
        }
        if (type == String.class) {
            return ": expected a string";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return ": expected an array";
        }
        return type.isRecord() ? ": expected an object" : "";
    }

    /** {@code messages[0].role}: the field that was wrong, as the client wrote it. */
    private static String param(List<JacksonException.Reference> path) {
        StringBuilder param = new StringBuilder();
        for (JacksonException.Reference reference : path) {
            if (reference.getPropertyName() != null) {
                param.append(param.isEmpty() ? "" : ".").append(reference.getPropertyName());
            }
            else if (reference.getIndex() >= 0) {
                param.append('[').append(reference.getIndex()).append(']');
            }
        }
        return param.toString();
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unexpected content";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }
}
