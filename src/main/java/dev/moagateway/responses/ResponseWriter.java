package dev.moagateway.responses;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import dev.moagateway.openai.AnswerWriter;
import dev.moagateway.openai.EventFrames;
import dev.moagateway.openai.ToolCall;
import dev.moagateway.openai.Usage;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One answer as a Responses {@code response} and, when streamed, its events: {@code response.created} and
 * {@code response.in_progress} first; then each output item (a {@code reasoning} item whose summary is the run's
 * account and the model's own reasoning, a {@code message} of {@code output_text}, a {@code function_call} per
 * tool call), added, filled by deltas and done in turn; last, one terminal event: {@code response.completed},
 * {@code response.incomplete} (the answer hit its length) or {@code response.failed}. Every event has the next
 * {@code sequence_number}. {@link #started()} comes first. Each method returns the events it wrote, framed, or
 * nothing when not streaming. One per answer; its calls come one at a time.
 */
public final class ResponseWriter implements AnswerWriter {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final EventFrames frames;
    private final ObjectNode response;
    private final ArrayNode output;
    private int sequence;
    private Item reasoning;
    private Item message;
    /** Tool calls by their index in the chat stream, open until the answer ends. */
    private final Map<Integer, Item> calls = new TreeMap<>();
    private boolean started;
    private boolean answering;

    public ResponseWriter(JsonMapper json, ResponsesRequest request, boolean streaming) {
        this.frames = new EventFrames(json, streaming);
        this.response = ResponseObject.of(request, EventFrames.newId("resp_"), Instant.now().getEpochSecond());
        this.output = response.putArray("output");
    }

    public String id() {
        return response.path("id").asString();
    }

    /** The response as it stands: in progress until the answer ends. */
    public ObjectNode response() {
        return response;
    }

    /** The response created and in progress: written once, before anything else; nothing after that. */
    @Override
    public String started() {
        start();
        return frames.take();
    }

    private void start() {
        if (!started) {
            started = true;
            emit(event("response.created").set("response", response.deepCopy()));
            emit(event("response.in_progress").set("response", response.deepCopy()));
        }
    }

    /** Reasoning text, the summary of the reasoning item; what comes once the answer has begun is not shown. */
    @Override
    public String reasoning(String text) {
        if (text.isEmpty() || answering) {
            return frames.take();
        }
        if (reasoning == null) {
            reasoning = add(NODES.objectNode().put("id", EventFrames.newId("rs_")).put("type", "reasoning")
                    .set("summary", NODES.arrayNode()));
            emit(part("response.reasoning_summary_part.added", reasoning, "summary_index")
                    .set("part", summary("")));
        }
        reasoning.text.append(text);
        emit(part("response.reasoning_summary_text.delta", reasoning, "summary_index").put("delta", text));
        return frames.take();
    }

    /** The answer has ended: every item done, then {@code response.completed}, or incomplete at its length. */
    @Override
    public String completed(String finishReason, Usage usage) {
        closeAll("completed");
        boolean cut = "length".equals(finishReason) || "content_filter".equals(finishReason);
        response.put("status", cut ? "incomplete" : "completed");
        if (cut) {
            response.putObject("incomplete_details").put("reason",
                    "length".equals(finishReason) ? "max_output_tokens" : "content_filter");
        }
        response.set("usage", usage(usage == null ? Usage.ZERO : usage));
        emit(event(cut ? "response.incomplete" : "response.completed").set("response", response.deepCopy()));
        return frames.take();
    }

    /** The answer failed: what was written stays, marked incomplete, and {@code response.failed} ends the stream. */
    public String failed(String code, String message) {
        start();
        closeAll("incomplete");
        response.put("status", "failed");
        response.putObject("error").put("code", code).put("message", message);
        emit(event("response.failed").set("response", response.deepCopy()));
        return frames.take();
    }

    @Override
    public String text(String text) {
        if (text.isEmpty()) {
            return frames.take();
        }
        answer();
        if (message == null) {
            message = add(NODES.objectNode().put("id", EventFrames.newId("msg_")).put("type", "message")
                    .put("status", "in_progress").put("role", "assistant").set("content", NODES.arrayNode()));
            emit(part("response.content_part.added", message, "content_index").set("part", outputText("")));
        }
        message.text.append(text);
        emit(part("response.output_text.delta", message, "content_index").put("delta", text)
                .set("logprobs", NODES.arrayNode()));
        return frames.take();
    }

    @Override
    public String toolCall(ToolCall fragment) {
        answer();
        closeMessage("completed");
        int index = fragment.index() == null ? calls.size() : fragment.index();
        Item call = calls.get(index);
        if (call == null) {
            String callId = fragment.id() == null ? EventFrames.newId("call_") : fragment.id();
            call = add(NODES.objectNode().put("id", EventFrames.newId("fc_")).put("type", "function_call")
                    .put("status", "in_progress").put("call_id", callId).put("name", fragment.name())
                    .put("arguments", ""));
            calls.put(index, call);
        }
        String arguments = fragment.arguments();
        if (!arguments.isEmpty()) {
            call.text.append(arguments);
            emit(event("response.function_call_arguments.delta").put("item_id", call.id())
                    .put("output_index", call.index).put("delta", arguments));
        }
        return frames.take();
    }

    /** The answer begins: the reasoning before it is done. */
    private void answer() {
        answering = true;
        if (reasoning != null && !reasoning.done) {
            String text = reasoning.text.toString();
            emit(part("response.reasoning_summary_text.done", reasoning, "summary_index").put("text", text));
            emit(part("response.reasoning_summary_part.done", reasoning, "summary_index").set("part", summary(text)));
            ((ArrayNode) reasoning.item.get("summary")).add(summary(text));
            done(reasoning, null);
        }
    }

    private void closeAll(String status) {
        answer();
        closeMessage(status);
        for (Item call : calls.values()) {
            if (!call.done) {
                String arguments = call.text.toString();
                call.item.put("arguments", arguments);
                emit(event("response.function_call_arguments.done").put("item_id", call.id())
                        .put("output_index", call.index).put("name", call.item.path("name").asString())
                        .put("arguments", arguments));
                done(call, status);
            }
        }
    }

    private void closeMessage(String status) {
        if (message == null || message.done) {
            message = null;
            return;
        }
        String text = message.text.toString();
        emit(part("response.output_text.done", message, "content_index").put("text", text)
                .set("logprobs", NODES.arrayNode()));
        emit(part("response.content_part.done", message, "content_index").set("part", outputText(text)));
        ((ArrayNode) message.item.get("content")).add(outputText(text));
        done(message, status);
        message = null;
    }

    private Item add(ObjectNode item) {
        Item added = new Item(item, output.size());
        output.add(item);
        emit(event("response.output_item.added").put("output_index", added.index).set("item", item.deepCopy()));
        return added;
    }

    private void done(Item item, String status) {
        if (status != null) {
            item.item.put("status", status);
        }
        item.done = true;
        emit(event("response.output_item.done").put("output_index", item.index).set("item", item.item.deepCopy()));
    }

    private ObjectNode part(String type, Item item, String partIndex) {
        return event(type).put("item_id", item.id()).put("output_index", item.index).put(partIndex, 0);
    }

    private ObjectNode event(String type) {
        return NODES.objectNode().put("type", type);
    }

    private void emit(ObjectNode event) {
        frames.add(event.put("sequence_number", sequence++));
    }

    private static ObjectNode outputText(String text) {
        ObjectNode part = NODES.objectNode().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    private static ObjectNode summary(String text) {
        return NODES.objectNode().put("type", "summary_text").put("text", text);
    }

    static ObjectNode usage(Usage usage) {
        ObjectNode node = NODES.objectNode();
        int input = usage.promptTokens() == null ? 0 : usage.promptTokens();
        int output = usage.completionTokens() == null ? 0 : usage.completionTokens();
        node.put("input_tokens", input);
        node.putObject("input_tokens_details").put("cached_tokens", 0);
        node.put("output_tokens", output);
        node.putObject("output_tokens_details").put("reasoning_tokens", 0);
        node.put("total_tokens", usage.totalTokens() == null ? input + output : usage.totalTokens());
        return node;
    }


    /** An output item being written: its node, its place in the output, and its text so far. */
    private static final class Item {

        final ObjectNode item;
        final int index;
        final StringBuilder text = new StringBuilder();
        boolean done;

        Item(ObjectNode item, int index) {
            this.item = item;
            this.index = index;
        }

        String id() {
            return item.path("id").asString();
        }
    }
}
