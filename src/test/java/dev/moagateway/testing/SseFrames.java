package dev.moagateway.testing;

import java.util.ArrayList;
import java.util.List;

/** A server-sent event stream's frames as a client reads them: comments dropped, data lines joined. */
public final class SseFrames {

    /** One event: its name, null when it has none, and its data. */
    public record Frame(String event, String data) {
    }

    private SseFrames() {
    }

    public static List<Frame> parse(String body) {
        List<Frame> frames = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            String event = null;
            StringBuilder data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                }
                else if (line.startsWith("data:")) {
                    String value = line.substring(line.startsWith("data: ") ? 6 : 5);
                    data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                }
            }
            if (data != null) {
                frames.add(new Frame(event, data.toString()));
            }
        }
        return frames;
    }
}
