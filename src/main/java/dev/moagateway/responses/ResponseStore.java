package dev.moagateway.responses;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.moagateway.openai.ChatMessage;

/**
 * The conversations of stored responses, for {@code previous_response_id}: each response's whole conversation
 * (without its instructions, which OpenAI does not carry over), in this process's memory. At most
 * {@code maxEntries}, the least recently used going first, and each for {@code ttl} after it was stored. A
 * deployment of several replicas needs its clients to stick to one, or a shared store.
 */
public final class ResponseStore {

    private final int maxEntries;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Entry> entries;

    public ResponseStore(int maxEntries, Duration ttl, Clock clock) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("max-entries must be at least 0, got " + maxEntries);
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
        this.maxEntries = maxEntries;
        this.ttl = ttl;
        this.clock = clock;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > ResponseStore.this.maxEntries;
            }
        };
    }

    public synchronized void put(String id, List<ChatMessage> conversation) {
        if (maxEntries > 0) {
            entries.put(id, new Entry(List.copyOf(conversation), clock.instant().plus(ttl)));
        }
    }

    /** The conversation up to and with that response, unless it was never stored or has expired. */
    public synchronized Optional<List<ChatMessage>> get(String id) {
        Entry entry = entries.get(id);
        if (entry == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(entry.expires())) {
            entries.remove(id);
            return Optional.empty();
        }
        return Optional.of(entry.conversation());
    }

    private record Entry(List<ChatMessage> conversation, Instant expires) {
    }
}
