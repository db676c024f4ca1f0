package dev.moagateway.openai;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The server-sent events of one answer in a protocol that names each event by its {@code type} (Responses,
 * Messages): framed as they are added, and taken in turns. An answer that is not streamed frames nothing.
 */
public final class EventFrames {

    private final JsonMapper json;
    private final boolean streaming;
    private final StringBuilder out = new StringBuilder();

    public EventFrames(JsonMapper json, boolean streaming) {
        this.json = json;
        this.streaming = streaming;
    }

    public void add(ObjectNode event) {
        if (streaming) {
            out.append("event: ").append(event.path("type").asString()).append("\ndata: ")
                    .append(json.writeValueAsString(event)).append("\n\n");
        }
    }

    /** The events added since the last take, framed. */
    public String take() {
        String frames = out.toString();
        out.setLength(0);
        return frames;
    }

    /** A new id for one of an answer's objects: {@code prefix} and 32 random hex digits. */
    public static String newId(String prefix) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return prefix + HexFormat.of().toHexDigits(random.nextLong()) + HexFormat.of().toHexDigits(random.nextLong());
    }
}
