package dev.moagateway.messages;

import java.util.Map;
import java.util.TreeMap;

import dev.moagateway.openai.AnswerWriter;
import dev.moagateway.openai.EventFrames;
import dev.moagateway.openai.ToolCall;
import dev.moagateway.openai.Usage;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One answer as an Anthropic {@code message} and, when streamed, its events: {@code message_start}; each content
 * block (a {@code thinking} block with the run's account and the model's own reasoning, {@code text}, a
 * {@code tool_use} per tool call) started, filled by deltas ({@code thinking_delta}, {@code text_delta},
 * {@code input_json_delta}) and stopped in turn; {@code message_delta} with the stop reason and usage;
 * {@code message_stop}. {@link #started()} comes first. Each method returns the events it wrote, framed, or
 * nothing when not streaming. One per answer; its calls come one at a time.
 */
public final class MessageWriter implements AnswerWriter {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JsonMapper json;
    private final EventFrames frames;
    private final ObjectNode message;
    private final ArrayNode content;
    private Block open;
    private Block thinking;
    private final Map<Integer, Block> calls = new TreeMap<>();
    private boolean started;
    private boolean answering;

    public MessageWriter(JsonMapper json, String model, boolean streaming) {
        this.json = json;
        this.frames = new EventFrames(json, streaming);
        this.message = NODES.objectNode().put("id", EventFrames.newId("msg_")).put("type", "message")
                .put("role", "assistant")
                .put("model", model);
        this.content = message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        message.set("usage", usage(Usage.ZERO));
    }

    /** The message as it stands. */
    public ObjectNode message() {
        return message;
    }

    @Override
    public String started() {
        start();
        return frames.take();
    }

    /** Reasoning text, a thinking block before the answer; what comes once the answer has begun is not shown. */
    @Override
    public String reasoning(String text) {
        if (!text.isEmpty() && !answering) {
            if (thinking == null) {
                thinking = open(NODES.objectNode().put("type", "thinking").put("thinking", "").put("signature", ""));
            }
            thinking.text.append(text);
            delta(thinking, NODES.objectNode().put("type", "thinking_delta").put("thinking", text));
        }
        return frames.take();
    }

    /** The answer has ended: the last block stopped, the stop reason and usage, {@code message_stop}. */
    @Override
    public String completed(String finishReason, Usage usage) {
        start();
        close();
        String reason = switch (finishReason == null ? "stop" : finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            default -> calls.isEmpty() ? "end_turn" : "tool_use";
        };
        message.put("stop_reason", reason);
        ObjectNode counted = usage(usage == null ? Usage.ZERO : usage);
        message.set("usage", counted);
        ObjectNode delta = event("message_delta");
        delta.putObject("delta").put("stop_reason", reason).putNull("stop_sequence");
        delta.set("usage", counted);
        frames.add(delta);
        frames.add(event("message_stop"));
        return frames.take();
    }

    /** The stream's end when the answer failed: the open block stopped, then Anthropic's {@code error} event. */
    public String failed(ObjectNode error) {
        start();
        close();
        frames.add(error);
        return frames.take();
    }

    private void start() {
        if (!started) {
            started = true;
            ObjectNode start = event("message_start");
            start.set("message", message.deepCopy());
            frames.add(start);
        }
    }

    @Override
    public String text(String text) {
        if (text.isEmpty()) {
            return frames.take();
        }
        answering = true;
        if (open == null || !open.item.path("type").asString().equals("text")) {
            open(NODES.objectNode().put("type", "text").put("text", ""));
        }
        open.text.append(text);
        delta(open, NODES.objectNode().put("type", "text_delta").put("text", text));
        return frames.take();
    }

    @Override
    public String toolCall(ToolCall fragment) {
        answering = true;
        int index = fragment.index() == null ? calls.size() : fragment.index();
        Block call = calls.get(index);
        if (call == null) {
            String id = fragment.id() == null ? EventFrames.newId("toolu_") : fragment.id();
            ObjectNode block = NODES.objectNode().put("type", "tool_use").put("id", id).put("name", fragment.name());
            block.putObject("input");
            call = open(block);
            calls.put(index, call);
        }
        if (!fragment.arguments().isEmpty()) {
            call.text.append(fragment.arguments());
            delta(call, NODES.objectNode().put("type", "input_json_delta").put("partial_json", fragment.arguments()));
        }
        return frames.take();
    }

    /** Starts a block, stopping the one before: blocks are written one after another. */
    private Block open(ObjectNode block) {
        close();
        Block opened = new Block(block, content.size());
        content.add(block);
        ObjectNode start = event("content_block_start").put("index", opened.index);
        start.set("content_block", block.deepCopy());
        frames.add(start);
        open = opened;
        return opened;
    }

    private void close() {
        if (open == null) {
            return;
        }
        switch (open.item.path("type").asString()) {
            case "text" -> open.item.put("text", open.text.toString());
            case "thinking" -> open.item.put("thinking", open.text.toString());
            default -> open.item.set("input", input(open.text.toString()));
        }
        frames.add(event("content_block_stop").put("index", open.index));
        open = null;
    }

    /** A tool call's arguments as the input object; what is not an object is kept under its own key. */
    private JsonNode input(String arguments) {
        if (arguments.isBlank()) {
            return NODES.objectNode();
        }
        try {
            JsonNode input = json.readTree(arguments);
            return input.isObject() ? input : NODES.objectNode().set("arguments", input);
        }
        catch (JacksonException notJson) {
            return NODES.objectNode().put("arguments", arguments);
        }
    }

    private void delta(Block block, ObjectNode delta) {
        ObjectNode event = event("content_block_delta").put("index", block.index);
        event.set("delta", delta);
        frames.add(event);
    }

    private static ObjectNode event(String type) {
        return NODES.objectNode().put("type", type);
    }


    static ObjectNode usage(Usage usage) {
        return NODES.objectNode()
                .put("input_tokens", usage.promptTokens() == null ? 0 : usage.promptTokens())
                .put("cache_creation_input_tokens", 0)
                .put("cache_read_input_tokens", 0)
                .put("output_tokens", usage.completionTokens() == null ? 0 : usage.completionTokens());
    }


    /** A content block being written: its node, its index, and its text so far. */
    private static final class Block {

        final ObjectNode item;
        final int index;
        final StringBuilder text = new StringBuilder();

        Block(ObjectNode item, int index) {
            this.item = item;
            this.index = index;
        }
    }
}
