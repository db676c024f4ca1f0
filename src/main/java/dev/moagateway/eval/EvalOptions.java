package dev.moagateway.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The eval command's options; any other {@code --name=value} is the server's configuration, passed on as it
 * is (such as {@code --spring.config.additional-location=file:my.yml}).
 *
 * @param contestants empty when {@code --mixture} is to name them
 * @param baseline    null for the first member of the mixture, or the first contestant
 * @param limit       how many prompts to take at most, or null for all
 */
record EvalOptions(Path prompts, List<String> contestants, String mixture, String baseline, String judge, Path out,
        int concurrency, Integer limit, long seed, boolean help, List<String> configuration) {

    private static final Set<String> OWN = Set.of("prompts", "contestants", "mixture", "baseline", "judge", "out",
            "concurrency", "limit", "seed", "help");

    static final String USAGE = """
            Usage: java -jar moa-gateway.jar eval --prompts FILE --judge ID --out DIR
                       (--mixture ID | --contestants ID[,ID...]) [options] [--spring.x=y ...]

            Pits a mixture against its own members on your prompts: every prompt goes to every contestant
            through the gateway's engine, a judge model compares each answer with the baseline's twice (the
            order swapped), and DIR gets results.jsonl, summary.json and report.html. No port is opened.

              --prompts FILE        JSONL, one prompt per line: {"id"?, "prompt"} or {"id"?, "messages": [...]},
                                    with an optional "reference" (an expected answer the judge may use)
              --mixture ID          a configured mixture: it, each of its members and its aggregator alone
                                    are the contestants
              --contestants IDS     the contestants instead, comma-separated: mixtures or provider/model
              --baseline ID         what everyone is compared with (default: the mixture's first member,
                                    else the first contestant)
              --judge ID            the judge: any mixture or provider/model, asked at temperature 0;
                                    demo/judge is a simulated judge that needs no key
              --out DIR             where results go; a rerun with the same DIR does only what is missing
              --concurrency N       prompts evaluated at once, each with its contestants' calls side by
                                    side (default 4); providers' own max-concurrency still holds
              --limit N             the first N prompts only
              --seed N              the bootstrap's seed, for repeatable intervals (default 1)
              --help                this text

            Any other --name=value configures the gateway as for the server, for example
              --spring.config.additional-location=file:my.yml  --spring.profiles.active=together
            """;

    /** Errors with {@link IllegalArgumentException} saying what is wrong, for the command to print with usage. */
    static EvalOptions parse(String... args) {
        Map<String, String> own = new TreeMap<>();
        List<String> configuration = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            int equals = arg.indexOf('=');
            String name = arg.substring(2, equals < 0 ? arg.length() : equals);
            if (!OWN.contains(name)) {
                configuration.add(arg);
                continue;
            }
            if (name.equals("help")) {
                own.put(name, "true");
            }
            else if (equals >= 0) {
                own.put(name, arg.substring(equals + 1));
            }
            else if (i + 1 < args.length) {
                own.put(name, args[++i]);
            }
            else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
        }
        boolean help = own.containsKey("help");
        if (help) {
            return new EvalOptions(null, List.of(), null, null, null, null, 4, null, 1, true, configuration);
        }
        List<String> contestants = own.containsKey("contestants")
                ? Arrays.stream(own.get("contestants").split(",")).map(String::strip).filter(id -> !id.isEmpty()).toList()
                : List.of();
        if (contestants.isEmpty() && !own.containsKey("mixture")) {
            throw new IllegalArgumentException("name the contestants with --mixture ID or --contestants ID,ID");
        }
        return new EvalOptions(Path.of(required(own, "prompts")), contestants, own.get("mixture"),
                own.get("baseline"), required(own, "judge"), Path.of(required(own, "out")),
                positive(own, "concurrency", 4), own.containsKey("limit") ? positive(own, "limit", 0) : null,
                number(own, "seed", 1), false, List.copyOf(configuration));
    }

    private static String required(Map<String, String> own, String name) {
        String value = own.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private static int positive(Map<String, String> own, String name, int otherwise) {
        long value = number(own, name, otherwise);
        if (value < 1 || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--" + name + " must be a positive whole number, got '" + own.get(name)
                    + "'");
        }
        return (int) value;
    }

    private static long number(Map<String, String> own, String name, long otherwise) {
        String value = own.get(name);
        if (value == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(value.strip());
        }
        catch (NumberFormatException notANumber) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, got '" + value + "'");
        }
    }
}
