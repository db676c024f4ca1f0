package dev.moagateway.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.moagateway.openai.ToolCall.FunctionCall;

/**
 * A streamed message's tool calls, joined from their fragments: each call's first fragment brings its id, type
 * and function name, and every fragment of it (by {@code index}) more of its arguments. Parallel calls are
 * streamed one after another or interleaved; both join by index. One per message.
 */
public final class ToolCallFragments {

    private final Map<Integer, Joined> calls = new TreeMap<>();

    public void add(List<ToolCall> fragments) {
        if (fragments == null) {
            return;
        }
        for (ToolCall fragment : fragments) {
            int index = fragment.index() == null ? calls.size() : fragment.index();
            calls.computeIfAbsent(index, key -> new Joined()).add(fragment);
        }
    }

    public boolean isEmpty() {
        return calls.isEmpty();
    }

    /** The whole calls, in index order, as a message carries them; null when there are none. */
    public List<ToolCall> calls() {
        if (calls.isEmpty()) {
            return null;
        }
        List<ToolCall> whole = new ArrayList<>(calls.size());
        calls.values().forEach(call -> whole.add(call.whole()));
        return whole;
    }

    private static final class Joined {

        private String id;
        private String type;
        private String name;
        private final StringBuilder arguments = new StringBuilder();

        void add(ToolCall fragment) {
            id = id == null ? fragment.id() : id;
            type = type == null ? fragment.type() : type;
            name = name == null && !fragment.name().isEmpty() ? fragment.name() : name;
            arguments.append(fragment.arguments());
        }

        ToolCall whole() {
            return new ToolCall(null, id, type == null ? ToolCall.FUNCTION : type,
                    new FunctionCall(name, arguments.toString(), null), null);
        }
    }
}
