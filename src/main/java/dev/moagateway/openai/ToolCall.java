package dev.moagateway.openai;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;

/**
 * A tool call of an assistant message, or a fragment of one in a streamed delta. In a delta, {@code index} says
 * which of the message's calls it continues; the first fragment of a call brings its {@code id}, {@code type} and
 * function name, later ones more of its arguments.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ToolCall(Integer index, String id, String type, FunctionCall function,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public static final String FUNCTION = "function";

    public ToolCall {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    /** The function's name, or empty when this fragment has none. */
    public String name() {
        return function == null || function.name() == null ? "" : function.name();
    }

    /** The function's arguments as JSON text, or empty when this fragment has none. */
    public String arguments() {
        return function == null || function.arguments() == null ? "" : function.arguments();
    }

    /** The function a call names and the arguments it passes, as JSON text (streamed in fragments). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FunctionCall(String name, String arguments,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

        public FunctionCall {
            extra = extra == null ? new LinkedHashMap<>() : extra;
        }
    }
}
