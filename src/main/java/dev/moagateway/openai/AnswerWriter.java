package dev.moagateway.openai;

/**
 * Writes one answer in another protocol (Responses, Messages) from chat-completion chunks. Each method returns
 * the events it wrote, framed, or nothing when the answer is not streamed; calls come one at a time.
 */
public interface AnswerWriter {

    /** The answer's opening events, written once, before anything else. */
    String started();

    /** Reasoning text: the run's account or the model's own reasoning, before the answer. */
    String reasoning(String text);

    /** A chunk of the answer. */
    String chunk(ChatCompletionChunk chunk);

    /** The answer has ended with this usage. */
    String completed(Usage usage);
}
