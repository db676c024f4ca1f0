package dev.moagateway.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.moagateway.mixture.CallReport;
import dev.moagateway.mixture.MixtureEvent;
import dev.moagateway.mixture.MixtureEvent.AggregatorStarted;
import dev.moagateway.mixture.MixtureEvent.AnalysisSettled;
import dev.moagateway.mixture.MixtureEvent.AnalysisStarted;
import dev.moagateway.mixture.MixtureEvent.DraftDelta;
import dev.moagateway.mixture.MixtureEvent.LayerSettled;
import dev.moagateway.mixture.MixtureEvent.LayerStarted;
import dev.moagateway.mixture.MixtureEvent.ProposalSettled;
import dev.moagateway.mixture.MixtureEvent.RunStarted;

/**
 * The run told as readable text, for a chat UI to show while it waits: a line when a layer starts, the
 * drafts as they are written, a line for each settled proposal, the analysis of the drafts when there is one,
 * a line when the aggregator starts. Proposers
 * write at once but a reader can follow one text at a time, so one draft is live and streams; the others
 * wait, and appear whole once the live one has settled. One account per run; events come one at a time.
 */
final class ProgressAccount {

    private final Map<Integer, StringBuilder> waiting = new HashMap<>();
    private final Map<Integer, String> models = new HashMap<>();
    /** Proposals that settled while another draft was live, in the order they settled. */
    private final List<ProposalSettled> queued = new ArrayList<>();
    private int layers;
    private int live = -1;

    /** The text this event adds to the account; empty when it adds none. */
    String next(MixtureEvent event) {
        if (event instanceof RunStarted started) {
            layers = started.layers().size();
        }
        else if (event instanceof LayerStarted layer) {
            waiting.clear();
            models.clear();
            queued.clear();
            live = -1;
            return "Layer " + layer.layer() + " of " + layers + ": asking " + count(layer.proposers().size(), "model")
                    + ".\n\n";
        }
        else if (event instanceof DraftDelta delta) {
            return draft(delta);
        }
        else if (event instanceof ProposalSettled settled) {
            return settled(settled);
        }
        else if (event instanceof LayerSettled layer) {
            return "Layer " + layer.layer() + " done: " + layer.answered() + " of " + layer.proposals().size()
                    + " drafts in " + seconds(layer.durationMs()) + ".\n\n";
        }
        else if (event instanceof AnalysisStarted analysis) {
            return "Analysing " + count(analysis.drafts(), "draft") + " with " + analysis.model() + ".\n\n";
        }
        else if (event instanceof AnalysisSettled analysis) {
            CallReport report = analysis.report();
            return (report.answered() ? report.text().strip() + "\n\n" : "") + line(report);
        }
        else if (event instanceof AggregatorStarted aggregator) {
            return "Combining " + count(aggregator.drafts(), "draft") + " with " + aggregator.model() + ".\n\n";
        }
        return "";
    }

    private String draft(DraftDelta delta) {
        models.put(delta.index(), delta.label());
        if (live == -1) {
            live = delta.index();
            return delta.label() + ": " + delta.text();
        }
        if (live == delta.index()) {
            return delta.text();
        }
        waiting.computeIfAbsent(delta.index(), index -> new StringBuilder()).append(delta.text());
        return "";
    }

    private String settled(ProposalSettled settled) {
        if (live != -1 && live != settled.index()) {
            queued.add(settled);
            return "";
        }
        StringBuilder text = new StringBuilder();
        if (live == settled.index()) {
            text.append("\n").append(line(settled.report()));
        }
        else {
            text.append(whole(settled));
        }
        live = -1;
        queued.forEach(finished -> text.append(whole(finished)));
        queued.clear();
        return text.append(promote()).toString();
    }

    /** A draft that settled while it was not live: its text at once, then its line. */
    private String whole(ProposalSettled settled) {
        StringBuilder draft = waiting.remove(settled.index());
        String text = draft == null ? "" : settled.report().label() + ": " + draft + "\n";
        return text + line(settled.report());
    }

    /** The draft with the most text so far goes live: what it has, then the rest as it comes. */
    private String promote() {
        return waiting.entrySet().stream()
                .max(Map.Entry.comparingByValue((one, other) -> Integer.compare(one.length(), other.length())))
                .map(next -> {
                    live = next.getKey();
                    waiting.remove(live);
                    return models.get(live) + ": " + next.getValue();
                })
                .orElse("");
    }

    private static String line(CallReport report) {
        if (report.answered()) {
            String tokens = report.usage() == null || report.usage().completionTokens() == null ? ""
                    : count(report.usage().completionTokens(), "token") + " ";
            String first = report.firstTokenMs() == null ? "" : ", first token after " + seconds(report.firstTokenMs());
            return "✓ " + report.label() + " answered: " + tokens + "in " + seconds(report.durationMs()) + first + "\n\n";
        }
        return "✗ " + report.label() + " " + report.outcome().wireName() + " after " + seconds(report.durationMs())
                + ": " + report.error() + "\n\n";
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
