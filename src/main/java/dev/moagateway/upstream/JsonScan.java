package dev.moagateway.upstream;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.StreamReadException;

/**
 * What the gateway must know of a completion or chunk that it relays as the provider wrote it: that it is
 * one JSON object, whether it carries a top-level {@code error}, and whether a choice has a
 * {@code finish_reason}. One pass of the streaming parser finds all three, binding and allocating nothing,
 * which is what lets a passthrough skip decoding and re-encoding every chunk.
 */
record JsonScan(boolean error, boolean finishes) {

    private static final String ERROR = "error";
    private static final String FINISH_REASON = "finish_reason";

    /** Reads the parser to its end; throws {@link JacksonException} unless it held exactly one JSON object. */
    static JsonScan of(JsonParser parser) {
        try (parser) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new StreamReadException(parser, "not a JSON object");
            }
            boolean error = false;
            boolean finishes = false;
            int depth = 1;
            while (depth > 0) {
                JsonToken token = parser.nextToken();
                if (token == JsonToken.PROPERTY_NAME) {
                    String name = parser.currentName();
                    boolean watched = depth == 1 && ERROR.equals(name) || FINISH_REASON.equals(name);
                    token = parser.nextToken();
                    if (watched && token != JsonToken.VALUE_NULL) {
                        error |= ERROR.equals(name);
                        finishes |= FINISH_REASON.equals(name);
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
            return new JsonScan(error, finishes);
        }
    }
}
