package dev.moagateway.upstream;

/**
 * Whether, and how, a provider continues a conversation's trailing assistant message instead of answering
 * it with a new one: what a staircase aggregator needs.
 */
public enum Prefill {
    /** It does not, or it is not known to. */
    NONE,
    /** On request: vLLM and SGLang, asked with {@code continue_final_message} and no generation prompt. */
    CONTINUE_FINAL_MESSAGE,
    /** By itself, as llama.cpp's server does. */
    NATIVE
}
