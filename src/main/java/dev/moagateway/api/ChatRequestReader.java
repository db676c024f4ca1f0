package dev.moagateway.api;

import java.util.List;

import dev.moagateway.openai.ChatCompletionRequest;
import dev.moagateway.openai.ChatMessage;
import dev.moagateway.openai.ErrorDetail;
import dev.moagateway.openai.WireTypes;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a chat-completions request and checks what every request needs before anything is sent upstream:
 * a body within the size limit, strict JSON (no duplicate keys, bounded nesting), a model, messages with
 * roles, and sampling parameters within OpenAI's ranges. Each failure names the offending field.
 */
final class ChatRequestReader {

    private final long maxBytes;
    private final JsonMapper json;

    ChatRequestReader(long maxBytes, int maxJsonDepth) {
        this.maxBytes = maxBytes;
        JsonFactory strict = JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxJsonDepth).build())
                .build();
        this.json = JsonMapper.builder(strict).build();
        WireTypes.warmUp(json);
    }

    /** Emits the checked request, or errors with an {@link ApiException} that says what is wrong. */
    Mono<ChatRequest> read(ServerRequest request) {
        return readJson(request, ChatCompletionRequest.class, "'model' and 'messages'").map(body -> {
            ChatCompletionRequest checked = check(body);
            MoaOptions moa = MoaOptions.read(checked.extra().remove(MoaOptions.FIELD),
                    request.headers().firstHeader(MoaOptions.TRACE_HEADER));
            return new ChatRequest(checked, moa);
        });
    }

    /**
     * The body as {@code type}, within the size limit and as strict JSON as any request; an empty body is refused
     * with a message that it must be a JSON object with {@code fields}.
     */
    <T> Mono<T> readJson(ServerRequest request, Class<T> type, String fields) {
        if (request.headers().contentLength().orElse(0) > maxBytes) {
            return Mono.error(tooLarge());
        }
        int limit = (int) Math.min(maxBytes, Integer.MAX_VALUE);
        return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), limit)
                .onErrorMap(DataBufferLimitException.class, tooBig -> tooLarge())
                .switchIfEmpty(Mono.error(() -> ApiException.invalidRequest(null,
                        "The request body is empty: send a JSON object with " + fields + ".")))
                .map(body -> {
                    try {
                        T read = json.readValue(body.asInputStream(), type);
                        if (read == null) {
                            throw ApiException.invalidRequest(null, "The request body must be a JSON object.");
                        }
                        return read;
                    }
                    finally {
                        DataBufferUtils.release(body);
                    }
                });
    }

    private static ChatCompletionRequest check(ChatCompletionRequest request) {
        if (request.model() == null || request.model().isBlank()) {
            throw ApiException.invalidRequest("model", "You must provide a model parameter.");
        }
        checkMessages(request.messages());
        checkRange("temperature", request.temperature(), 0, 2);
        checkRange("top_p", request.topP(), 0, 1);
        checkRange("n", request.n(), 1, 128);
        checkRange("max_tokens", request.maxTokens(), 1, Integer.MAX_VALUE);
        checkRange("max_completion_tokens", request.maxCompletionTokens(), 1, Integer.MAX_VALUE);
        return request;
    }

    private static void checkMessages(List<ChatMessage> messages) {
        if (messages == null) {
            throw ApiException.invalidRequest("messages", "Missing required parameter: 'messages'.");
        }
        if (messages.isEmpty()) {
            throw ApiException.invalidRequest("messages", "'messages' must contain at least one message.");
        }
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            if (message == null || message.role() == null || message.role().isBlank()) {
                String param = "messages[" + i + "].role";
                throw ApiException.invalidRequest(param, "Missing required parameter: '" + param + "'.");
            }
        }
    }

    static void checkRange(String param, Number value, double min, double max) {
        if (value == null) {
            return;
        }
        double number = value.doubleValue();
        if (number < min || number > max || Double.isNaN(number)) {
            String bound = max == Integer.MAX_VALUE ? "at least " + (long) min
                    : "between " + plain(min) + " and " + plain(max);
            throw ApiException.invalidRequest(param, "'" + param + "' must be " + bound + ", got " + value + ".");
        }
    }

    private static String plain(double number) {
        return number == Math.rint(number) ? Long.toString((long) number) : Double.toString(number);
    }

    private ApiException tooLarge() {
        return ApiException.of(HttpStatus.PAYLOAD_TOO_LARGE, ErrorDetail.INVALID_REQUEST, null, "request_too_large",
                "The request body is larger than the " + maxBytes + " bytes this server accepts.");
    }
}
