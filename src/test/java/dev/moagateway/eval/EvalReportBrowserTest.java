package dev.moagateway.eval;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.moagateway.MoaGatewayApplication;
import dev.moagateway.testing.HeadlessChromium;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An eval's report in a real browser ({@link HeadlessChromium}): the page renders from the file alone, every
 * contestant in its table. Skips itself where Chromium or its driver is not installed.
 */
class EvalReportBrowserTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void needsChromium() {
        HeadlessChromium.assumeInstalled();
    }

    @Test
    void theReportOfADemoRunShowsEveryContestantOffline() throws IOException {
        Files.writeString(dir.resolve("prompts.jsonl"), """
                {"id": "sky", "prompt": "Why is the sky blue?"}
                {"id": "tea", "prompt": "How should green tea be brewed?"}
                """);
        ByteArrayOutputStream ignored = new ByteArrayOutputStream();
        PrintStream quiet = new PrintStream(ignored, true, StandardCharsets.UTF_8);
        int status = new EvalCommand(quiet, quiet).execute(MoaGatewayApplication.class,
                "--prompts", dir.resolve("prompts.jsonl").toString(), "--mixture", "mix", "--judge", "demo/judge",
                "--out", dir.resolve("out").toString(), "--spring.config.location=classpath:/",
                "--logging.level.root=INFO", "--logging.level.dev.moagateway.access=INFO", "--moa.demo.speed=1000",
                "--moa.models.mix.layers[0].proposers[0].model=demo/atlas",
                "--moa.models.mix.layers[0].proposers[1].model=demo/birch",
                "--moa.models.mix.aggregator.model=demo/sage");
        assertThat(status).isZero();

        Path profile = Files.createTempDirectory(dir, "chromium-");
        ChromeDriver browser = HeadlessChromium.start(profile);
        try {
            browser.get(dir.resolve("out/report.html").toUri().toString());

            List<WebElement> rows = browser.findElements(By.cssSelector("#leaderboard tr.contestant"));
            assertThat(rows).extracting(row -> row.getAttribute("data-id"))
                    .containsExactlyInAnyOrder("mix", "demo/atlas", "demo/birch", "demo/sage");
            assertThat(browser.findElement(By.id("simulated")).isDisplayed()).isTrue();
            assertThat(browser.findElements(By.cssSelector("details.prompt"))).hasSize(2);
            assertThat(browser.findElements(By.tagName("svg"))).hasSizeGreaterThanOrEqualTo(3);
        }
        finally {
            browser.quit();
        }
    }
}
