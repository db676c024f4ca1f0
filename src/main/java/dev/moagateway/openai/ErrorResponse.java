package dev.moagateway.openai;

/** {@code {"error": {...}}}, the shape of every failure, in a response body or inside a stream. */
public record ErrorResponse(ErrorDetail error) {
}
