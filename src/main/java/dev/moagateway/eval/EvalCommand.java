package dev.moagateway.eval;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.moagateway.eval.EvalRun.Lineup;
import dev.moagateway.eval.Scoreboard.Standing;
import dev.moagateway.eval.Scoreboard.Summary;
import dev.moagateway.mixture.Catalog;
import dev.moagateway.mixture.MixturePlan;
import dev.moagateway.mixture.MixtureRunner;
import dev.moagateway.mixture.Route;
import dev.moagateway.observability.Telemetry;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code java -jar moa-gateway.jar eval ...}: the gateway's configuration and engine without its server,
 * running one eval and writing {@code results.jsonl}, {@code summary.json} and {@code report.html}.
 */
public final class EvalCommand {

    /** The demo provider's judge works offline; its verdicts are labelled as simulated. */
    private static final String SIMULATED_JUDGE_PREFIX = "demo/";

    private final PrintStream out;
    private final PrintStream err;

    EvalCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs the command; returns the exit status: 0 done, 1 failed, 2 a usage error. */
    public static int run(Class<?> application, String... args) {
        return new EvalCommand(System.out, System.err).execute(application, args);
    }

    int execute(Class<?> application, String... args) {
        EvalOptions options;
        try {
            options = EvalOptions.parse(args);
        }
        catch (IllegalArgumentException usage) {
            err.println("eval: " + usage.getMessage());
            err.println();
            err.print(EvalOptions.USAGE);
            return 2;
        }
        if (options.help()) {
            out.print(EvalOptions.USAGE);
            return 0;
        }
        ConfigurableApplicationContext context;
        try {
            context = start(application, options.configuration());
        }
        catch (RuntimeException startFailed) {
            // Spring Boot has told what in the configuration stops the start.
            return 1;
        }
        try (context) {
            return evaluate(options, context);
        }
        catch (IllegalArgumentException | IOException failed) {
            err.println("eval: " + failed.getMessage());
            return 1;
        }
    }

    /** The configuration as the server reads it, quieter: the run's own output is the progress and summary. */
    private static ConfigurableApplicationContext start(Class<?> application, List<String> configuration) {
        return new SpringApplicationBuilder(application)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .properties(Map.of("logging.level.root", "WARN", "logging.level.dev.moagateway.access", "WARN"))
                .run(configuration.toArray(String[]::new));
    }

    private int evaluate(EvalOptions options, ConfigurableApplicationContext context) throws IOException {
        JsonMapper json = context.getBean(JsonMapper.class);
        Catalog catalog = context.getBean(Catalog.class);
        Engine engine = new Engine(catalog, context.getBean(MixtureRunner.class), context.getBean(Telemetry.class),
                json);
        Lineup lineup = lineup(options, engine);
        PromptSet set = PromptSet.read(options.prompts(), json);
        set.problems().forEach(problem -> err.println(options.prompts() + " " + problem + " (left out)"));
        List<PromptSet.Prompt> prompts = options.limit() == null ? set.prompts()
                : set.prompts().subList(0, Math.min(options.limit(), set.prompts().size()));
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException(options.prompts() + " has no prompt to run");
        }
        out.println("eval: " + prompts.size() + " prompts, contestants " + String.join(", ", lineup.contestants())
                + "; baseline " + lineup.baseline() + ", judge " + lineup.judge());
        Summary summary;
        try (Results results = Results.open(options.out(), json);
                ProgressBar progress = new ProgressBar(err, System.console() != null, prompts.size())) {
            new EvalRun(engine, results, progress).run(prompts, lineup, options.concurrency());
            summary = Scoreboard.summarize(prompts, lineup.contestants(), lineup.baseline(), lineup.judge(),
                    lineup.judge().startsWith(SIMULATED_JUDGE_PREFIX),
                    results.lookup(lineup.baseline(), lineup.judge()), options.seed());
            Files.writeString(options.out().resolve("report.html"),
                    Report.html(summary, prompts, results.lookup(lineup.baseline(), lineup.judge())));
        }
        Files.writeString(options.out().resolve("summary.json"),
                json.writerWithDefaultPrettyPrinter().writeValueAsString(summary));
        printSummary(summary, options.out());
        return 0;
    }

    /** The contestants, baseline and judge, each checked to be served here. */
    static Lineup lineup(EvalOptions options, Engine engine) {
        Set<String> contestants = new LinkedHashSet<>(options.contestants());
        String firstMember = null;
        if (options.mixture() != null) {
            Route route = engine.route(options.mixture());
            if (!(route instanceof MixturePlan mixture)) {
                throw new IllegalArgumentException("--mixture '" + options.mixture() + "' is not a configured mixture");
            }
            firstMember = mixture.memberIds().get(0);
            if (contestants.isEmpty()) {
                contestants.add(mixture.id());
                contestants.addAll(mixture.memberIds());
            }
        }
        String baseline = options.baseline() != null ? options.baseline()
                : firstMember != null ? firstMember : contestants.iterator().next();
        List<String> lineup = new ArrayList<>(contestants);
        if (!lineup.contains(baseline)) {
            lineup.add(0, baseline);
        }
        lineup.forEach(engine::route);
        engine.route(options.judge());
        return new Lineup(List.copyOf(lineup), baseline, options.judge());
    }

    private void printSummary(Summary summary, Path dir) {
        out.printf(Locale.ROOT, "%-40s %9s %17s %13s %11s %10s%n", "contestant", "win rate", "95% interval",
                "w / t / l", "latency ms", "cost USD");
        for (Standing standing : summary.contestants()) {
            out.printf(Locale.ROOT, "%-40s %9s %17s %13s %11s %10s%n",
                    standing.id() + (standing.baseline() ? " (baseline)" : ""),
                    percent(standing.winRate()),
                    standing.ciLow() == null ? "-" : percent(standing.ciLow()) + " - " + percent(standing.ciHigh()),
                    standing.wins() + " / " + standing.ties() + " / " + standing.losses(),
                    standing.latencyMsMean() == null ? "-" : String.format(Locale.ROOT, "%.0f", standing.latencyMsMean()),
                    standing.costUsd() == null ? "-" : String.format(Locale.ROOT, "%.4f", standing.costUsd()));
        }
        if (summary.simulatedJudge()) {
            out.println("The judge is simulated (the demo provider): its verdicts are not a model's judgment.");
        }
        out.println("Written: " + dir.resolve(Results.FILE) + ", " + dir.resolve("summary.json") + ", "
                + dir.resolve("report.html"));
    }

    private static String percent(Double rate) {
        return rate == null ? "-" : String.format(Locale.ROOT, "%.1f%%", rate * 100);
    }
}
