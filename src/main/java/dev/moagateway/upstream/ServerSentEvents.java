package dev.moagateway.upstream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import org.springframework.core.io.buffer.DataBufferLimitException;

/**
 * Reads the {@code data} of server-sent events from a stream cut into buffers anywhere, even inside a line or
 * a multi-byte character: only whole lines are decoded. Lines end in LF, CRLF or CR; several {@code data}
 * lines of one event are joined with LF; comments and other fields are skipped. One reader per stream.
 */
final class ServerSentEvents {

    private final int maxLineBytes;
    private byte[] line = new byte[512];
    private int length;
    private StringBuilder data;
    private boolean afterCr;

    ServerSentEvents(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    /** The data of each event that these bytes complete, in order. */
    List<String> read(ByteBuf bytes) {
        List<String> events = new ArrayList<>(1);
        while (bytes.isReadable()) {
            if (afterCr && bytes.getByte(bytes.readerIndex()) == '\n') {
                bytes.skipBytes(1);
            }
            afterCr = false;
            int end = bytes.forEachByte(ByteProcessor.FIND_CRLF);
            append(bytes, (end < 0 ? bytes.writerIndex() : end) - bytes.readerIndex());
            if (end < 0) {
                break;
            }
            afterCr = bytes.getByte(end) == '\r';
            bytes.readerIndex(end + 1);
            endLine(events);
        }
        return events;
    }

    private void append(ByteBuf bytes, int count) {
        if (length + count > maxLineBytes) {
            throw new DataBufferLimitException("a line of the event stream is longer than " + maxLineBytes + " bytes");
        }
        if (length + count > line.length) {
            line = Arrays.copyOf(line, Math.max(length + count, line.length * 2));
        }
        bytes.readBytes(line, length, count);
        length += count;
    }

    /** The data of an event that the stream's end cut off before its blank line, if any. */
    List<String> finish() {
        List<String> events = new ArrayList<>(1);
        if (length > 0) {
            endLine(events);
        }
        endLine(events);
        return events;
    }

    private void endLine(List<String> events) {
        String text = new String(line, 0, length, StandardCharsets.UTF_8);
        length = 0;
        if (text.isEmpty()) {
            if (data != null) {
                events.add(data.toString());
                data = null;
            }
        }
        else if (text.startsWith("data:")) {
            String value = text.startsWith("data: ") ? text.substring(6) : text.substring(5);
            data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        }
    }
}
