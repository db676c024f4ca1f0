package dev.moagateway.playground;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.moagateway.testing.GatewayTest;
import dev.moagateway.testing.HeadlessChromium;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The playground at {@code /} in a real browser ({@link HeadlessChromium}), against the gateway with
 * {@code moa-demo} over the demo provider at 200x speed. Skips itself where Chromium or its driver is not
 * installed.
 */
class PlaygroundBrowserTest extends GatewayTest {

    /** A turn of moa-demo takes well under a second at 200x; this bounds a broken page, not a slow one. */
    private static final Duration TURN_TIMEOUT = Duration.ofSeconds(30);
    private static final Map<Integer, List<String>> PROPOSERS = Map.of(
            1, List.of("demo/atlas", "demo/birch", "demo/cedar"),
            2, List.of("demo/dune", "demo/ember"));

    private ChromeDriver browser;
    private Path profile;

    @BeforeAll
    static void needsChromium() {
        HeadlessChromium.assumeInstalled();
    }

    @BeforeEach
    void openBrowser() throws IOException {
        profile = Files.createTempDirectory("playground-chromium-");
        browser = HeadlessChromium.start(profile);
    }

    @AfterEach
    void closeBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void showsEachLayersProposersSideBySideThenTheAggregatorsAnswer() {
        openPlayground(API_KEY, "moa-demo");

        WebElement turn = ask("Why is the sky blue?");

        List<WebElement> cards = turn.findElements(By.cssSelector(".proposal"));
        assertThat(cards).hasSize(5);
        PROPOSERS.forEach((layer, models) -> {
            for (int index = 0; index < models.size(); index++) {
                WebElement card = turn.findElement(
                        By.cssSelector(".proposal[data-layer='%d'][data-index='%d']".formatted(layer, index)));
                String where = "layer " + layer + ", proposer " + index;
                assertThat(card.getDomAttribute("data-model")).as(where).isEqualTo(models.get(index));
                assertThat(text(card, ".outcome")).as(where).isEqualTo("answered");
                assertThat(text(card, ".text")).as(where).contains("\"Why is the sky blue?\"");
                assertThat(text(card, ".ttft")).as(where).startsWith("first token ");
                assertThat(text(card, ".duration")).as(where).startsWith("took ");
                assertThat(text(card, ".tokens")).as(where).endsWith(" tokens");
                assertThat(card.findElement(By.cssSelector(".error")).isDisplayed()).as(where).isFalse();
            }
        });
        // A layer's proposers stand in one row, side by side.
        assertThat(cards.subList(0, 3)).extracting(card -> card.getLocation().getY()).containsOnly(cards.get(0)
                .getLocation().getY());

        WebElement reply = turn.findElement(By.cssSelector(".reply.main"));
        assertThat(text(reply, ".who")).isEqualTo("demo/sage");
        assertThat(text(reply, ".answer")).startsWith("Sage combines 2 drafts on \"Why is the sky blue?\".");
        assertThat(text(reply, ".ttft")).startsWith("first token ");
        assertThat(text(reply, ".tokens")).endsWith(" tokens");
        assertThat(text(turn, ".usage")).startsWith("run ").contains(" tokens in all (");
    }

    @Test
    void aSecondTurnSendsTheWholeConversation() {
        openPlayground(API_KEY, "moa-demo");
        recordRequests();

        WebElement first = ask("Why is the sky blue?");
        String firstAnswer = text(first, ".answer");
        WebElement second = ask("And at sunset?");

        assertThat(browser.findElements(By.cssSelector(".turn"))).hasSize(2);
        assertThat(first.findElement(By.cssSelector(".proposers")).getDomAttribute("open")).isNull();
        assertThat(second.findElement(By.cssSelector(".proposers")).getDomAttribute("open")).isNotNull();
        assertThat(text(second, ".answer")).startsWith("Sage combines 2 drafts on \"And at sunset?\".");
        assertThat(second.findElements(By.cssSelector(".proposal[data-outcome='answered']"))).hasSize(5);

        Map<String, Object> request = recordedRequests().get(1);
        assertThat(request.get("model")).isEqualTo("moa-demo");
        assertThat(request.get("stream")).isEqualTo(true);
        assertThat(request.get("stream_options")).isEqualTo(Map.of("include_usage", true));
        assertThat(request.get("moa")).isEqualTo(Map.of("events", true, "progress", "none"));
        assertThat(request.get("messages")).isEqualTo(List.of(
                Map.of("role", "user", "content", "Why is the sky blue?"),
                Map.of("role", "assistant", "content", firstAnswer),
                Map.of("role", "user", "content", "And at sunset?")));
    }

    @Test
    void aProviderModelStreamsItsAnswerWithoutProposers() {
        openPlayground(API_KEY, "demo/atlas");
        recordRequests();

        WebElement turn = ask("Why is the sky blue?");

        assertThat(turn.findElement(By.cssSelector(".proposers")).isDisplayed()).isFalse();
        assertThat(text(turn, ".reply.main .who")).isEqualTo("demo/atlas");
        assertThat(text(turn, ".answer")).contains("\"Why is the sky blue?\"");
        assertThat(text(turn, ".reply.main .tokens")).endsWith(" tokens");
        assertThat(recordedRequests().get(0)).doesNotContainKey("moa");
    }

    @Test
    void aWrongKeyShowsTheGatewaysMessage() {
        browser.get(baseUrl() + "/");
        browser.findElement(By.id("api-key")).sendKeys("sk-wrong");

        new WebDriverWait(browser, TURN_TIMEOUT).until(ExpectedConditions.textToBePresentInElementLocated(
                By.id("status"), "Incorrect API key provided."));

        assertThat(browser.findElement(By.id("status")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("model")).isEnabled()).isFalse();
    }

    /** Loads the page, types the key and picks the model once the list, which needs the key, has it. */
    private void openPlayground(String key, String model) {
        browser.get(baseUrl() + "/");
        browser.findElement(By.id("api-key")).sendKeys(key);
        new WebDriverWait(browser, TURN_TIMEOUT).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#model:enabled option[value='" + model + "']")));
        new Select(browser.findElement(By.id("model"))).selectByValue(model);
    }

    /** Sends a question and waits for its turn to end; the turn must have ended well. */
    private WebElement ask(String question) {
        int turns = browser.findElements(By.cssSelector(".turn")).size();
        browser.findElement(By.id("prompt")).sendKeys(question);
        browser.findElement(By.id("send")).click();
        By last = By.cssSelector(".turn:nth-of-type(" + (turns + 1) + ")");
        WebElement turn = new WebDriverWait(browser, TURN_TIMEOUT)
                .withMessage(() -> "the turn for '" + question + "' to end")
                .until(driver -> driver.findElements(last).stream()
                        .filter(element -> !"streaming".equals(element.getDomAttribute("data-state")))
                        .findFirst()
                        .orElse(null));
        assertThat(turn.getDomAttribute("data-state"))
                .as("turn ended with: %s", text(turn, ".reply.main .error"))
                .isEqualTo("done");
        return turn;
    }

    /** The text as in the DOM: a collapsed panel's text is still there, though not displayed. */
    private static String text(WebElement root, String selector) {
        return root.findElement(By.cssSelector(selector)).getDomProperty("textContent");
    }

    /** Keeps each request body the page sends, to check what went on the wire. */
    private void recordRequests() {
        ((JavascriptExecutor) browser).executeScript("""
                const send = window.fetch;
                window.sentBodies = [];
                window.fetch = (url, init) => {
                  if (init?.body) window.sentBodies.push(JSON.parse(init.body));
                  return send(url, init);
                };
                """);
    }

    /** The recorded bodies, as Selenium turns JSON into Java: objects as maps, arrays as lists. */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> recordedRequests() {
        return (List<Map<String, Object>>) ((JavascriptExecutor) browser).executeScript("return window.sentBodies;");
    }
}
