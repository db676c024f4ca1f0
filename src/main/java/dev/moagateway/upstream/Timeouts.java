package dev.moagateway.upstream;

import java.time.Duration;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The waits of one upstream call: opening the connection, the first streamed chunk once the request is sent, the
 * gap between two chunks, and the whole call including retries. A non-streaming call is bounded by {@code total}
 * alone. The first-byte and idle waits are read timeouts: any byte the provider sends, a keep-alive comment too,
 * shows it alive.
 */
public record Timeouts(@DefaultValue("5s") Duration connect, @DefaultValue("60s") Duration firstByte,
        @DefaultValue("30s") Duration idle, @DefaultValue("300s") Duration total) {

    public Timeouts {
        requirePositive("connect", connect);
        requirePositive("first-byte", firstByte);
        requirePositive("idle", idle);
        requirePositive("total", total);
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("timeouts." + name + " must be a positive duration, got " + value);
        }
    }
}
