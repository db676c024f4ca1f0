package dev.moagateway.upstream;

/**
 * How a proposer on this provider is sent a conversation's tool calls and tool results. Proposers are offered
 * no tools, and some servers refuse tool messages in a request without tools, or their chat templates drop them.
 */
public enum ToolMessages {
    /** Written out as text: an assistant message saying what it called, a user message with each result. */
    TEXT,
    /** As they are: assistant messages with {@code tool_calls}, and {@code tool} messages. */
    NATIVE
}
