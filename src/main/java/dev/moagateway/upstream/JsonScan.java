package dev.moagateway.upstream;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.StreamReadException;

/**
 * What the gateway must know of a completion or chunk that it relays as the provider wrote it: that it is
 * one JSON object, whether it carries a top-level {@code error}, a choice's {@code finish_reason}, the
 * {@code model} that answered and the {@code usage} counts. One pass of the streaming parser finds them all,
 * binding nothing, which is what lets a passthrough skip decoding and re-encoding every chunk.
 *
 * @param finishReason  the first non-null {@code finish_reason}, or null
 * @param model         the top-level {@code model}, or null
 * @param inputTokens   {@code usage.prompt_tokens}, or -1
 * @param outputTokens  {@code usage.completion_tokens}, or -1
 */
record JsonScan(boolean error, String finishReason, String model, long inputTokens, long outputTokens) {

    private static final String ERROR = "error";
    private static final String FINISH_REASON = "finish_reason";
    private static final String MODEL = "model";
    private static final String USAGE = "usage";
    private static final String PROMPT_TOKENS = "prompt_tokens";
    private static final String COMPLETION_TOKENS = "completion_tokens";

    boolean finishes() {
        return finishReason != null;
    }

    /** Reads the parser to its end; throws {@link JacksonException} unless it held exactly one JSON object. */
    static JsonScan of(JsonParser parser) {
        try (parser) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new StreamReadException(parser, "not a JSON object");
            }
            boolean error = false;
            String finishReason = null;
            String model = null;
            long inputTokens = -1;
            long outputTokens = -1;
            boolean inUsage = false;
            int depth = 1;
            while (depth > 0) {
                JsonToken token = parser.nextToken();
                if (token == JsonToken.PROPERTY_NAME) {
                    String name = parser.currentName();
                    token = parser.nextToken();
                    if (depth == 1) {
                        error |= ERROR.equals(name) && token != JsonToken.VALUE_NULL;
                        inUsage = USAGE.equals(name) && token == JsonToken.START_OBJECT;
                        if (MODEL.equals(name) && token == JsonToken.VALUE_STRING) {
                            model = parser.getString();
                        }
                    }
                    else if (inUsage && depth == 2 && token == JsonToken.VALUE_NUMBER_INT) {
                        if (PROMPT_TOKENS.equals(name)) {
                            inputTokens = parser.getLongValue();
                        }
                        else if (COMPLETION_TOKENS.equals(name)) {
                            outputTokens = parser.getLongValue();
                        }
                    }
                    if (finishReason == null && FINISH_REASON.equals(name) && token == JsonToken.VALUE_STRING) {
                        finishReason = parser.getString();
                    }
                }
                if (token == null) {
                    throw new StreamReadException(parser, "the JSON object is cut short");
                }
                if (token.isStructStart()) {
                    depth++;
                }
                else if (token.isStructEnd()) {
                    depth--;
                }
            }
            if (parser.nextToken() != null) {
                throw new StreamReadException(parser, "more follows the JSON object");
            }
            return new JsonScan(error, finishReason, model, inputTokens, outputTokens);
        }
    }
}
