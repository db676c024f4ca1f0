package dev.moagateway.upstream;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingResult;
import com.knuddels.jtokkit.api.EncodingType;

/**
 * Counts a model's tokens: exactly for OpenAI's models, with their own encoding; for any other model as an
 * estimate, the count of OpenAI's {@code o200k_base} encoding plus a margin. The open families' tokenizers
 * (Llama, Qwen, Mistral, Gemma) have no Java implementation; for text they count within about a fifth of
 * {@code o200k_base}, mostly above it for the older, smaller vocabularies, so the margin is a quarter.
 */
public final class TokenCounter {

    static final double ESTIMATE_MARGIN = 1.25;

    private static final EncodingRegistry ENCODINGS = Encodings.newLazyEncodingRegistry();
    private static final List<String> O200K_MODELS = List.of("gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "gpt-oss",
            "chatgpt-", "o1", "o3", "o4");
    private static final List<String> CL100K_MODELS = List.of("gpt-4", "gpt-3.5");

    private final Encoding encoding;
    private final double factor;

    private TokenCounter(Encoding encoding, double factor) {
        this.encoding = encoding;
        this.factor = factor;
    }

    /**
     * The counter for a provider's model name, such as {@code gpt-4.1-mini} or {@code openai/gpt-4o} (a router's
     * name). Loads its encoding, a file of some megabytes, on first use: call it at start, not per request.
     */
    public static TokenCounter forModel(String model) {
        String name = model.substring(model.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        if (O200K_MODELS.stream().anyMatch(name::startsWith)) {
            return new TokenCounter(ENCODINGS.getEncoding(EncodingType.O200K_BASE), 1);
        }
        if (CL100K_MODELS.stream().anyMatch(name::startsWith)) {
            return new TokenCounter(ENCODINGS.getEncoding(EncodingType.CL100K_BASE), 1);
        }
        return new TokenCounter(ENCODINGS.getEncoding(EncodingType.O200K_BASE), ESTIMATE_MARGIN);
    }

    /** Whether counts are the model's own rather than an estimate. */
    public boolean exact() {
        return factor == 1;
    }

    public int count(String text) {
        return (int) Math.ceil(encoding.countTokensOrdinary(text) * factor);
    }

    /** A count never below {@link #count}, without encoding: every token holds at least one byte. */
    public int upperBound(String text) {
        return (int) Math.ceil(text.getBytes(StandardCharsets.UTF_8).length * factor);
    }

    /** The longest start of {@code text} that counts at most {@code tokens}. */
    public String head(String text, int tokens) {
        EncodingResult start = encoding.encodeOrdinary(text, (int) Math.floor(Math.max(0, tokens) / factor));
        return start.isTruncated() ? text.substring(0, start.getLastProcessedCharacterIndex() + 1) : text;
    }
}
