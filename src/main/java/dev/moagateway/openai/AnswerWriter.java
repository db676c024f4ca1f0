package dev.moagateway.openai;

/**
 * Writes one answer in another protocol (Responses, Messages) from what chat-completion chunks bring: reasoning,
 * text, tool-call fragments, and at the end the finish reason and usage. Each method returns the events it wrote,
 * framed, or nothing when the answer is not streamed; calls come one at a time.
 */
public interface AnswerWriter {

    /** The answer's opening events, written once, before anything else. */
    String started();

    /** Reasoning text: the run's account or the model's own reasoning, before the answer. */
    String reasoning(String text);

    /** More of the answer's text. */
    String text(String text);

    /** A fragment of one of the answer's tool calls. */
    String toolCall(ToolCall fragment);

    /** The answer has ended, for {@code finishReason} (chat's; null when none came), with this usage. */
    String completed(String finishReason, Usage usage);
}
