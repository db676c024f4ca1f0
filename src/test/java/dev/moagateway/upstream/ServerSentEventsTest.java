package dev.moagateway.upstream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerSentEventsTest {

    /** Feeds {@code stream} cut after every {@code size} bytes, and collects the data read, the end included. */
    private static List<String> read(String stream, int size) {
        ServerSentEvents reader = new ServerSentEvents(1024);
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        List<String> events = new ArrayList<>();
        for (int from = 0; from < bytes.length; from += size) {
            ByteBuf piece = Unpooled.wrappedBuffer(bytes, from, Math.min(size, bytes.length - from));
            events.addAll(reader.read(piece));
        }
        events.addAll(reader.finish());
        return events;
    }

    @Test
    void readsTheSameEventsHoweverTheBytesAreCut() {
        String stream = ": keep-alive\r\n\r\ndata: {\"content\":\"héllo ✓\"}\r\n\r\nevent: x\nid: 1\ndata:[DONE]\n\n";
        for (int size = 1; size <= stream.length(); size++) {
            assertThat(read(stream, size)).as("cut every %d bytes", size)
                    .containsExactly("{\"content\":\"héllo ✓\"}", "[DONE]");
        }
    }

    @Test
    void joinsTheDataLinesOfOneEventAndTakesCarriageReturnsAlone() {
        assertThat(read("data: a\rdata: b\r\rdata: c\n\n", 3)).containsExactly("a\nb", "c");
        assertThat(read("data: a\ndata:\ndata: c\n\n", 2)).containsExactly("a\n\nc");
    }

    @Test
    void keepsAnEventThatTheEndCutOffBeforeItsBlankLine() {
        assertThat(read("data: 1\n\ndata: 2", 4)).containsExactly("1", "2");
    }

    @Test
    void refusesALineLongerThanItsLimit() {
        ServerSentEvents reader = new ServerSentEvents(8);
        assertThatThrownBy(() -> reader.read(Unpooled.copiedBuffer("data: 123456789\n", StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalStateException.class);
    }
}
