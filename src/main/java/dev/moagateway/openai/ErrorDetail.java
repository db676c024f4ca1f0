package dev.moagateway.openai;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The body of an OpenAI error: all four keys are always present, {@code param} and {@code code} may be null. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ErrorDetail(String message, String type, String param, String code) {

    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String RATE_LIMIT = "rate_limit_error";
    public static final String SERVER_ERROR = "server_error";
    public static final String UPSTREAM_ERROR = "upstream_error";
    public static final String TIMEOUT = "timeout_error";
}
