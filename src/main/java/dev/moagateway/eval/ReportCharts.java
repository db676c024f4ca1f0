package dev.moagateway.eval;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.function.Function;

import dev.moagateway.eval.Scoreboard.Standing;

/** The report's pictures, as inline SVG: win rates with their intervals, and win rate against cost and latency. */
final class ReportCharts {

    private static final int LABEL_WIDTH = 170;
    private static final int BAR_WIDTH = 420;
    private static final int ROW_HEIGHT = 26;
    private static final int PLOT_LEFT = 56;
    private static final int PLOT_TOP = 16;
    private static final int PLOT_WIDTH = 420;
    private static final int PLOT_HEIGHT = 240;

    private ReportCharts() {
    }

    private record Point(String label, double x, double winRate, boolean baseline) {
    }

    static void winRateBars(StringBuilder page, List<Standing> ranked) {
        List<Standing> contestants = ranked.stream().filter(standing -> !standing.baseline()).toList();
        if (contestants.isEmpty()) {
            return;
        }
        int top = 24;
        int bottom = top + contestants.size() * ROW_HEIGHT;
        int width = LABEL_WIDTH + BAR_WIDTH + 64;
        int height = bottom + 22;
        page.append("<h2>Win rate against the baseline</h2>\n")
                .append(svg("win-rates", width, height, "Win rates with their 95% intervals"));
        for (int tick = 0; tick <= 100; tick += 25) {
            double x = LABEL_WIDTH + BAR_WIDTH * tick / 100.0;
            page.append(line("grid", x, top, x, bottom)).append(text(x, bottom + 16, "middle", tick + "%"));
        }
        for (int row = 0; row < contestants.size(); row++) {
            bar(page, contestants.get(row), top + row * ROW_HEIGHT);
        }
        double even = LABEL_WIDTH + BAR_WIDTH / 2.0;
        page.append(line("even", even, top - 8, even, bottom)).append(text(even, top - 12, "middle", "baseline"))
                .append("</svg>\n");
    }

    private static void bar(StringBuilder page, Standing contestant, int top) {
        double middle = top + ROW_HEIGHT / 2.0;
        page.append("<g><title>").append(Report.escape(contestant.id())).append("</title>")
                .append(text(LABEL_WIDTH - 8, middle + 4, "end", Report.shorten(contestant.id())));
        if (contestant.winRate() == null) {
            page.append(text(LABEL_WIDTH + 4, middle + 4, "start", "not judged")).append("</g>\n");
            return;
        }
        page.append(Report.format("<rect class=\"bar\" x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\"/>", LABEL_WIDTH,
                top + 5.0, BAR_WIDTH * contestant.winRate(), ROW_HEIGHT - 10));
        if (contestant.ciLow() != null && contestant.ciHigh() != null) {
            double low = LABEL_WIDTH + BAR_WIDTH * contestant.ciLow();
            double high = LABEL_WIDTH + BAR_WIDTH * contestant.ciHigh();
            page.append(line("whisker", low, middle, high, middle))
                    .append(line("whisker", low, middle - 5, low, middle + 5))
                    .append(line("whisker", high, middle - 5, high, middle + 5));
        }
        page.append(text(LABEL_WIDTH + BAR_WIDTH + 8, middle + 4, "start", Report.percent(contestant.winRate())))
                .append("</g>\n");
    }

    static void scatterPlots(StringBuilder page, List<Standing> ranked) {
        page.append("<h2>Win rate against cost and latency</h2>\n<div class=\"charts\">\n");
        if (ranked.stream().anyMatch(standing -> standing.costUsd() != null)) {
            scatter(page, "cost", "Cost (USD, all prompts)", points(ranked, Standing::costUsd), "$");
        }
        else {
            scatter(page, "cost", "Tokens (no contestant reported a cost)",
                    points(ranked, standing -> (double) standing.tokens()), "");
        }
        scatter(page, "latency", "Mean latency (ms)", points(ranked, Standing::latencyMsMean), "");
        page.append("</div>\n");
    }

    private static List<Point> points(List<Standing> ranked, Function<Standing, Double> x) {
        return ranked.stream()
                .filter(standing -> standing.winRate() != null && x.apply(standing) != null)
                .map(standing -> new Point(standing.id(), x.apply(standing), standing.winRate(), standing.baseline()))
                .toList();
    }

    private static void scatter(StringBuilder page, String id, String xLabel, List<Point> points, String unit) {
        double largest = points.stream().mapToDouble(Point::x).max().orElse(0);
        double step = tickStep(largest);
        double xMax = step * Math.max(1, Math.ceil(largest / step));
        int bottom = PLOT_TOP + PLOT_HEIGHT;
        page.append(svg("scatter-" + id, PLOT_LEFT + PLOT_WIDTH + 24, bottom + 44, "Win rate against " + xLabel));
        for (int tick = 0; tick <= 100; tick += 25) {
            double y = bottom - PLOT_HEIGHT * tick / 100.0;
            page.append(line("grid", PLOT_LEFT, y, PLOT_LEFT + PLOT_WIDTH, y))
                    .append(text(PLOT_LEFT - 6, y + 4, "end", tick + "%"));
        }
        for (int tick = 0; tick * step <= xMax * (1 + 1e-9); tick++) {
            double x = PLOT_LEFT + PLOT_WIDTH * tick * step / xMax;
            page.append(line("grid", x, PLOT_TOP, x, bottom))
                    .append(text(x, bottom + 16, "middle", unit + round(tick * step)));
        }
        page.append(line("axis", PLOT_LEFT, bottom, PLOT_LEFT + PLOT_WIDTH, bottom))
                .append(line("axis", PLOT_LEFT, PLOT_TOP, PLOT_LEFT, bottom))
                .append(text(PLOT_LEFT + PLOT_WIDTH / 2.0, bottom + 36, "middle", xLabel))
                .append(Report.format("<text transform=\"rotate(-90)\" x=\"%.1f\" y=\"14\" text-anchor=\"middle\">%s</text>",
                        -(PLOT_TOP + PLOT_HEIGHT / 2.0), "Win rate"));
        for (Point point : points) {
            double x = PLOT_LEFT + PLOT_WIDTH * point.x() / xMax;
            double y = bottom - PLOT_HEIGHT * point.winRate();
            // Labels of points near the right edge go to their left, so they stay inside the picture.
            boolean nearRight = x > PLOT_LEFT + PLOT_WIDTH * 0.7;
            page.append(Report.format("<g><circle class=\"point%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\"/>",
                            point.baseline() ? " baseline" : "", x, y))
                    .append("<title>").append(Report.escape(point.label())).append("</title>")
                    .append(text(nearRight ? x - 6 : x + 6, y - 6, nearRight ? "end" : "start", Report.shorten(point.label())))
                    .append("</g>\n");
        }
        if (points.isEmpty()) {
            page.append(text(PLOT_LEFT + PLOT_WIDTH / 2.0, PLOT_TOP + PLOT_HEIGHT / 2.0, "middle", "nothing measured"));
        }
        page.append("</svg>\n");
    }

    /** A round step, 1, 2 or 5 times a power of ten, that reaches {@code largest} in about four ticks. */
    private static double tickStep(double largest) {
        if (largest <= 0) {
            return 1;
        }
        double rough = largest / 4;
        double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
        double fraction = rough / magnitude;
        return magnitude * (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10);
    }

    private static String svg(String id, int width, int height, String label) {
        // No xmlns: inline SVG in HTML needs none, and the page then names no address at all.
        return Report.format("<svg id=\"%s\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
                + "aria-label=\"%s\">\n", Report.escape(id), width, height, width, height, Report.escape(label));
    }

    private static String line(String style, double x1, double y1, double x2, double y2) {
        return Report.format("<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", style, x1, y1, x2, y2);
    }

    private static String text(double x, double y, String anchor, String content) {
        return Report.format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>", x, y, anchor, Report.escape(content));
    }

    /** A tick's value without the float noise of adding up steps: 0.30000000000000004 reads 0.3. */
    private static String round(double value) {
        return BigDecimal.valueOf(value).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }
}
