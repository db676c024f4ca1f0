package dev.moagateway.eval;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import dev.moagateway.eval.PromptSet.Prompt;
import dev.moagateway.eval.Results.Answer;
import dev.moagateway.eval.Results.Verdict;
import dev.moagateway.eval.Scoreboard.Lookup;
import dev.moagateway.eval.Scoreboard.Standing;
import dev.moagateway.eval.Scoreboard.Summary;

/**
 * A run as one HTML page that opens offline and fetches nothing: the leaderboard, win rates with their
 * intervals, cost and latency against win rate, and every prompt's answers and verdicts. Everything that came
 * from a prompt file or a model is escaped, since answers about web pages are full of markup.
 */
final class Report {

    private static final String CSS = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;\
            max-width:76rem;margin:2rem auto;padding:0 1rem}
            h1{margin-bottom:.2rem} .run{color:#555;margin-top:0} code{font-family:ui-monospace,monospace}
            #simulated{background:#fff3cd;border:1px solid #e0b300;border-radius:4px;padding:.6rem 1rem;font-weight:600}
            table{border-collapse:collapse;width:100%}
            th,td{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap}
            th{white-space:normal;vertical-align:bottom} .scroll{overflow-x:auto}
            th:first-child,td:first-child{text-align:left} tr.baseline{background:#f2f5fa}
            .tag{font-size:.75rem;color:#fff;background:#6b7a90;border-radius:3px;padding:0 .3rem;margin-left:.4rem}
            svg{max-width:100%;height:auto} svg text{font-size:11px;fill:#333}
            .axis{stroke:#888} .grid{stroke:#eee} .bar{fill:#4c78a8} .whisker{stroke:#1d2330;stroke-width:1.5}
            .even{stroke:#c0392b;stroke-dasharray:4 3} .point{fill:#4c78a8} .point.baseline{fill:#c0392b}
            .charts{display:flex;flex-wrap:wrap;gap:1.5rem}
            details.prompt{border:1px solid #ddd;border-radius:4px;margin:.5rem 0;padding:.4rem .8rem}
            summary{cursor:pointer} summary code{font-weight:600;margin-right:.6rem}
            .answers{display:grid;gap:.8rem;overflow-x:auto}
            .answer{border:1px solid #e3e3e3;border-radius:4px;padding:.5rem}
            .text,pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:.3rem 0}
            pre.reasoning{background:#f7f7f9;padding:.4rem;font:12px/1.4 ui-monospace,monospace}
            .muted,.failed{color:#888} .meta{color:#666;font-size:12px}
            """;

    private static final List<String> COLUMNS = List.of("Contestant", "Win rate", "95% CI", "LC win rate",
            "W / T / L", "Failed", "Latency mean (ms)", "Latency p90 (ms)", "TTFT mean (ms)", "Tokens", "Cost (USD)");

    private Report() {
    }

    static String html(Summary summary, List<Prompt> prompts, Lookup results) {
        List<Standing> ranked = ranked(summary.contestants());
        StringBuilder page = new StringBuilder(16_384);
        page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>moa-gateway eval</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        header(page, summary);
        leaderboard(page, ranked);
        ReportCharts.winRateBars(page, ranked);
        ReportCharts.scatterPlots(page, ranked);
        drillDown(page, summary, prompts, results);
        return page.append("</body>\n</html>\n").toString();
    }

    /** Best first, a contestant that was never judged last; a stable sort keeps the run's order among equals. */
    private static List<Standing> ranked(List<Standing> standings) {
        return standings.stream()
                .sorted(Comparator.comparing(Standing::winRate, Comparator.nullsLast(Comparator.reverseOrder())))
                .toList();
    }

    private static void header(StringBuilder page, Summary summary) {
        page.append("<h1>moa-gateway eval</h1>\n<p class=\"run\">Baseline <code>").append(escape(summary.baseline()))
                .append("</code>, judge <code>").append(escape(summary.judge())).append("</code>, ")
                .append(summary.prompts()).append(summary.prompts() == 1 ? " prompt" : " prompts").append(".</p>\n");
        if (summary.simulatedJudge()) {
            page.append("<p id=\"simulated\">Simulated judge: the demo provider's verdicts are deterministic word ")
                    .append("counts, not a model's judgment.</p>\n");
        }
    }

    private static void leaderboard(StringBuilder page, List<Standing> ranked) {
        page.append("<h2>Leaderboard</h2>\n<div class=\"scroll\"><table id=\"leaderboard\">\n<thead><tr>");
        COLUMNS.forEach(column -> page.append("<th>").append(column).append("</th>"));
        page.append("</tr></thead>\n<tbody>\n");
        ranked.forEach(standing -> leaderboardRow(page, standing));
        page.append("</tbody>\n</table></div>\n<p class=\"meta\">Win rate against the baseline: a prompt counts 1 when ")
                .append("both orders of the judge agree on the contestant, 0 when they agree on the baseline, and 0.5 ")
                .append("otherwise, and a failed answer loses to an answered one; the interval is a 95% bootstrap ")
                .append("over prompts; LC is the win rate at equal answer lengths.</p>\n");
    }

    private static void leaderboardRow(StringBuilder page, Standing standing) {
        boolean baseline = standing.baseline();
        page.append("<tr class=\"contestant").append(baseline ? " baseline" : "").append("\" data-id=\"")
                .append(escape(standing.id())).append("\">");
        // The baseline's interval and tally are 50% and nothing by definition, so they say nothing.
        cell(page, escape(standing.id()) + (baseline ? "<span class=\"tag\">baseline</span>" : ""));
        cell(page, percent(standing.winRate()));
        cell(page, baseline ? "-" : interval(standing.ciLow(), standing.ciHigh()));
        cell(page, percent(standing.lengthControlledWinRate()));
        cell(page, baseline ? "-" : standing.wins() + " / " + standing.ties() + " / " + standing.losses());
        cell(page, String.valueOf(standing.failed()));
        cell(page, milliseconds(standing.latencyMsMean()));
        cell(page, milliseconds(standing.latencyMsP90()));
        cell(page, milliseconds(standing.ttftMsMean()));
        cell(page, format("%,d", standing.tokens()));
        cell(page, usd(standing.costUsd()));
        page.append("</tr>\n");
    }

    private static void cell(StringBuilder page, String html) {
        page.append("<td>").append(html).append("</td>");
    }

    private static void drillDown(StringBuilder page, Summary summary, List<Prompt> prompts, Lookup results) {
        // The baseline's answer comes first, as the one every other answer is held against.
        List<Standing> columns = summary.contestants().stream()
                .sorted(Comparator.comparing((Standing standing) -> !standing.baseline()))
                .toList();
        page.append("<h2>Prompts</h2>\n");
        for (Prompt prompt : prompts) {
            promptDetails(page, prompt, columns, summary.baseline(), results);
        }
    }

    private static void promptDetails(StringBuilder page, Prompt prompt, List<Standing> columns, String baseline,
            Lookup results) {
        page.append("<details class=\"prompt\" data-id=\"").append(escape(prompt.id())).append("\">\n<summary><code>")
                .append(escape(prompt.id())).append("</code>").append(escape(preview(prompt.question())))
                .append("</summary>\n<h4>Question</h4>\n<div class=\"text\">").append(escape(prompt.question()))
                .append("</div>\n");
        if (prompt.reference() != null) {
            page.append("<h4>Reference</h4>\n<div class=\"text\">").append(escape(prompt.reference()))
                    .append("</div>\n");
        }
        page.append(format("<div class=\"answers\" style=\"grid-template-columns:repeat(%d,minmax(16rem,1fr))\">\n",
                columns.size()));
        columns.forEach(column -> answer(page, column, results.answer(prompt.id(), column.id())));
        page.append("</div>\n");
        columns.stream()
                .filter(column -> !column.baseline())
                .forEach(column -> verdicts(page, prompt.id(), column.id(), baseline, results));
        page.append("</details>\n");
    }

    private static void answer(StringBuilder page, Standing contestant, Answer answer) {
        page.append("<div class=\"answer\"><h4>").append(escape(contestant.id()))
                .append(contestant.baseline() ? "<span class=\"tag\">baseline</span>" : "").append("</h4>\n");
        if (answer == null) {
            page.append("<p class=\"muted\">No answer recorded.</p>\n");
        }
        else if (!answer.answered()) {
            page.append("<p class=\"failed\">Failed: ").append(escape(answer.error())).append("</p>\n");
        }
        else {
            String ttft = answer.ttftMs() == null ? "" : format(" · TTFT %d ms", answer.ttftMs());
            String cost = answer.costUsd() == null ? "" : " · " + usd(answer.costUsd());
            page.append(format("<p class=\"meta\">%d ms%s · %d + %d tokens%s</p>\n", answer.latencyMs(), ttft,
                            answer.inputTokens(), answer.outputTokens(), cost))
                    .append("<div class=\"text\">").append(escape(answer.text())).append("</div>\n");
        }
        page.append("</div>\n");
    }

    private static void verdicts(StringBuilder page, String prompt, String contestant, String baseline,
            Lookup results) {
        page.append("<div class=\"verdicts\"><h4>").append(escape(contestant)).append(" against ")
                .append(escape(baseline)).append("</h4>\n");
        for (String order : List.of(Verdict.BASELINE_FIRST, Verdict.CONTESTANT_FIRST)) {
            verdict(page, order, results.verdict(prompt, contestant, order), contestant, baseline);
        }
        page.append("</div>\n");
    }

    private static void verdict(StringBuilder page, String order, Verdict verdict, String contestant, String baseline) {
        page.append("<p class=\"verdict\"><b>").append(order.replace('_', ' ')).append(":</b> ");
        if (verdict == null) {
            page.append("<span class=\"muted\">not judged</span></p>\n");
            return;
        }
        if (verdict.error() != null) {
            page.append("<span class=\"failed\">failed: ").append(escape(verdict.error())).append("</span></p>\n");
            return;
        }
        page.append(escape(verdict.verdict())).append(" → ")
                .append(escape(winner(order, verdict.verdict(), contestant, baseline))).append("</p>\n");
        if (verdict.reasoning() != null && !verdict.reasoning().isBlank()) {
            page.append("<pre class=\"reasoning\">").append(escape(verdict.reasoning())).append("</pre>\n");
        }
    }

    /** Who the judge's letter names: with the baseline first, its answer was shown as A. */
    private static String winner(String order, String letter, String contestant, String baseline) {
        boolean baselineFirst = Verdict.BASELINE_FIRST.equals(order);
        return switch (String.valueOf(letter)) {
            case "A" -> baselineFirst ? baseline : contestant;
            case "B" -> baselineFirst ? contestant : baseline;
            case "C" -> "tie";
            default -> "no verdict";
        };
    }

    static String percent(Double rate) {
        return rate == null ? "-" : format("%.1f%%", rate * 100);
    }

    private static String interval(Double low, Double high) {
        return low == null || high == null ? "-" : format("%.1f–%.1f%%", low * 100, high * 100);
    }

    private static String milliseconds(Double ms) {
        return ms == null ? "-" : format("%,.0f", ms);
    }

    /** Four decimals; a smaller non-zero cost keeps two significant digits rather than reading as free. */
    private static String usd(Double cost) {
        if (cost == null) {
            return "-";
        }
        if (cost == 0 || Math.abs(cost) >= 0.0001) {
            return format("$%.4f", cost);
        }
        return "$" + BigDecimal.valueOf(cost).round(new MathContext(2)).toPlainString();
    }

    private static String preview(String question) {
        return cut(question.strip().replaceAll("\\s+", " "), 100);
    }

    /** A chart label short enough not to run into its neighbours; the full id is in the tooltip. */
    static String shorten(String label) {
        return cut(label, 24);
    }

    /** At most {@code length} characters and an ellipsis, never splitting a surrogate pair. */
    private static String cut(String text, int length) {
        if (text.codePointCount(0, text.length()) <= length) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, length)) + "…";
    }

    static String format(String pattern, Object... values) {
        return String.format(Locale.ROOT, pattern, values);
    }

    /** The text, safe inside an element or a quoted attribute; null reads as nothing. */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
