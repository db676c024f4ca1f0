package dev.moagateway.api;

import dev.moagateway.openai.ChatCompletionRequest;

/** A checked chat-completions request: OpenAI's fields, to send on, and what it asks of a mixture. */
record ChatRequest(ChatCompletionRequest body, MoaOptions moa) {
}
