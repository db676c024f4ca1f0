package dev.moagateway.api;

import java.time.Duration;

import dev.moagateway.openai.ErrorDetail;
import org.springframework.http.HttpStatus;

/** A failure as the client sees it: an HTTP status and OpenAI's error body, and a wait for 429s. */
public final class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final ErrorDetail detail;
    private final Duration retryAfter;

    ApiException(HttpStatus status, ErrorDetail detail, Duration retryAfter) {
        super(detail.message(), null, false, false);
        this.status = status;
        this.detail = detail;
        this.retryAfter = retryAfter;
    }

    static ApiException of(HttpStatus status, String type, String param, String code, String message) {
        return new ApiException(status, new ErrorDetail(message, type, param, code), null);
    }

    static ApiException invalidRequest(String param, String message) {
        return of(HttpStatus.BAD_REQUEST, ErrorDetail.INVALID_REQUEST, param, null, message);
    }

    static ApiException modelNotFound(String model) {
        return of(HttpStatus.NOT_FOUND, ErrorDetail.INVALID_REQUEST, "model", "model_not_found",
                "The model '" + model + "' does not exist. GET /v1/models lists the models served here.");
    }

    public HttpStatus status() {
        return status;
    }

    public ErrorDetail detail() {
        return detail;
    }

    /** How long a rate-limited client should wait, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
