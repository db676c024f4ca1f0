package dev.moagateway.observability;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One Prometheus scrape, read as series: a metric's name, its labels, its value. */
record Scrape(List<Series> series) {

    private static final Pattern LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    record Series(String name, Map<String, String> labels, double value) {

        boolean has(Map<String, String> wanted) {
            return wanted.entrySet().stream().allMatch(label -> label.getValue().equals(labels.get(label.getKey())));
        }
    }

    static Scrape parse(String text) {
        List<Series> series = text.lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(Scrape::series)
                .toList();
        return new Scrape(series);
    }

    private static Series series(String line) {
        Matcher matcher = LINE.matcher(line);
        if (!matcher.matches()) {
            throw new AssertionError("not a Prometheus sample: " + line);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (matcher.group(3) != null) {
            Matcher label = LABEL.matcher(matcher.group(3));
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
        }
        return new Series(matcher.group(1), labels, Double.parseDouble(matcher.group(4)));
    }

    /** The sum of the metric's series that carry every one of these labels. */
    double sum(String name, String... labels) {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return series.stream()
                .filter(sample -> sample.name().equals(name) && sample.has(wanted))
                .mapToDouble(Series::value)
                .sum();
    }

    List<Series> named(String name) {
        return series.stream().filter(sample -> sample.name().equals(name)).toList();
    }

    boolean has(String name) {
        return series.stream().anyMatch(sample -> sample.name().equals(name));
    }
}
