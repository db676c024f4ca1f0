package dev.moagateway.mixture;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a mixture's answer carries a readable account of the run (layers, drafts, outcomes) for chat UIs to
 * show while the answer is on its way. Chat UIs read different fields: Open WebUI reads
 * {@code reasoning_content}, {@code reasoning} and {@code thinking}; LibreChat reads {@code reasoning_content};
 * the Vercel AI SDK reads {@code reasoning_content}, else {@code reasoning}. {@link #THINK_TAGS} writes the
 * account into the content inside {@code <think>} tags, for UIs that only parse those.
 */
public enum Progress {

    NONE, REASONING_CONTENT, REASONING, BOTH, THINK_TAGS;

    /** As written in configuration and in the request's {@code moa.progress}. */
    public String wireName() {
        return this == THINK_TAGS ? "think-tags" : name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Progress> named(String name) {
        return Arrays.stream(values()).filter(mode -> mode.wireName().equals(name)).findFirst();
    }
}
