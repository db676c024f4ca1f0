package dev.moagateway.config;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/** A bad configuration stops the start with a message that names the key. */
class ConfigurationValidationTest {

    private static final String LAYER = "moa.models.m.layers[0].proposers[0].model=demo/a";
    private static final String AGGREGATOR = "moa.models.m.aggregator.model=demo/b";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(PropertiesOnly.class);

    @Test
    void aValidMixtureBinds() {
        runner.withPropertyValues(LAYER, AGGREGATOR, "moa.providers.up.base-url=http://localhost:1/v1",
                        "moa.models.m.layers[0].proposers[1].model=up/org/model-7b",
                        "moa.models.m.layers[0].proposers[1].temperature=0.3",
                        "moa.providers.up.timeouts.idle=3s")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    MoaProperties properties = context.getBean(MoaProperties.class);
                    assertThat(properties.models().get("m").layers().get(0).proposers()).hasSize(2);
                    assertThat(properties.models().get("m").layers().get(0).minProposers()).isEqualTo(1);
                    assertThat(properties.providers().get("up").timeouts().idle()).hasSeconds(3);
                    assertThat(properties.providers().get("up").timeouts().connect()).hasSeconds(5);
                    assertThat(properties.providerNames()).containsExactly("demo", "up");
                });
    }

    @Test
    void aSampledProposerCountsEachSampleTowardsTheQuorum() {
        runner.withPropertyValues(LAYER, AGGREGATOR, "moa.models.m.layers[0].proposers[0].temperatures=0.3,1.0",
                        "moa.models.m.layers[0].min-proposers=2")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    var proposer = context.getBean(MoaProperties.class).models().get("m").layers().get(0).proposers()
                            .get(0);
                    assertThat(proposer.samples()).isEqualTo(2);
                    assertThat(proposer.temperatures()).containsExactly(0.3, 1.0);
                });
        assertStartFails(List.of(LAYER, AGGREGATOR, "moa.models.m.layers[0].proposers[0].samples=2",
                "moa.models.m.layers[0].proposers[0].temperature=0.5",
                "moa.models.m.layers[0].proposers[0].temperatures=0.3,1.0"), "set temperature or temperatures", "moa.models.m");
        assertStartFails(List.of(LAYER, AGGREGATOR, "moa.models.m.layers[0].proposers[0].samples=2",
                "moa.models.m.layers[0].proposers[0].seeds=1,2,3"), "seeds has 3 entries for 2 samples", "moa.models.m");
        assertStartFails(List.of(LAYER, AGGREGATOR, "moa.models.m.layers[0].proposers[0].samples=2",
                "moa.models.m.layers[0].min-proposers=3"), "proposers' calls (2), got 3", "moa.models.m");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            moa.models.m.layers[0].proposers[0].model=nope/x                  | unknown provider 'nope'  | moa.models.m.layers[0].proposers[0].model
            moa.models.m.aggregator.model=elsewhere/x                         | unknown provider 'elsewhere' | moa.models.m.aggregator.model
            moa.models.m.aggregator.model=no-slash                            | must be 'provider/model' | moa.models.m
            moa.models.m.layers[0].min-proposers=2                            | min-proposers            | moa.models.m
            moa.providers.up.base-url=not a url                               | base-url                 | moa.providers.up
            moa.providers.up.base-url=ftp://host/v1                           | absolute http(s) URL     | moa.providers.up
            moa.providers.up.timeouts.total=0s                                | timeouts.total           | moa.providers.up
            moa.providers.demo.base-url=http://localhost/v1                   | built-in                 | moa.providers.demo
            moa.max-depth=0                                                   | moa.max-depth            | moa
            moa.models.m.layers[0].proposers[0].samples=0                     | samples must be at least 1 | moa.models.m
            moa.models.m.aggregator.samples=2                                 | the aggregator writes one answer | moa.models.m
            moa.models.m.aggregator.analysis.model=nope/x                     | unknown provider 'nope'  | moa.models.m.aggregator.analysis.model
            moa.models.m.aggregator.analysis.max-tokens=0                     | analysis.max-tokens must be at least 1 | moa.models.m
            moa.models.m.layers[0].proposers[0].analysis.temperature=0        | a step of the aggregator's | moa.models.m
            moa.models.m.staircase.chunk-tokens=0                             | staircase.chunk-tokens must be at least 1 | moa.models.m
            """)
    void aBadValueIsRefusedNamingItsKey(String override, String problem, String key) {
        List<String> properties = new ArrayList<>(List.of(LAYER, AGGREGATOR));
        properties.removeIf(property -> property.startsWith(override.substring(0, override.indexOf('='))));
        properties.add(override);

        assertStartFails(properties, problem, key);
    }

    @Test
    void aContextWindowMustHoldATokenAtLeast() {
        assertStartFails(List.of(LAYER, AGGREGATOR, "moa.providers.up.base-url=http://localhost:1/v1",
                "moa.providers.up.models[0].id=small", "moa.providers.up.models[0].context-window=0"),
                "context-window must be at least 1, got 0", "moa.providers.up");
    }

    @Test
    void aStaircaseNeedsAnAggregatorWhoseProviderContinuesAPrefill() {
        String up = "moa.providers.up.base-url=http://localhost:1/v1";
        assertStartFails(List.of(LAYER, "moa.models.m.aggregator.model=up/x", up, "moa.models.m.aggregation=staircase"),
                "aggregates as a staircase", "moa.providers.up.prefill");
        runner.withPropertyValues(LAYER, "moa.models.m.aggregator.model=up/x", up, "moa.models.m.aggregation=staircase",
                        "moa.providers.up.prefill=continue-final-message", "moa.models.m.staircase.chunk-tokens=16")
                .run(context -> assertThat(context).hasNotFailed());
        runner.withPropertyValues(LAYER, AGGREGATOR, "moa.models.m.aggregation=staircase")
                .run(context -> assertThat(context).hasNotFailed());
        assertStartFails(List.of(LAYER, AGGREGATOR, "moa.models.m.aggregation=staircase",
                "moa.models.m.aggregator.analysis.temperature=0"), "cannot have them analysed first", "moa.models.m");
    }

    @Test
    void aMixtureWithoutLayersIsRefused() {
        assertStartFails(List.of(AGGREGATOR), "at least one layer", "moa.models.m");
    }

    @Test
    void aMixtureWithoutAggregatorIsRefused() {
        assertStartFails(List.of(LAYER), "needs an aggregator", "moa.models.m");
    }

    @Test
    void anEmptyLayerIsRefused() {
        assertStartFails(List.of(AGGREGATOR, "moa.models.m.layers[0].min-proposers=1"), "at least one proposer",
                "moa.models.m.layers[0]");
    }

    @Test
    void aMixtureIdThatShadowsAProvidersModelIsRefused() {
        assertStartFails(List.of("moa.models[demo/fast].layers[0].proposers[0].model=demo/a",
                "moa.models[demo/fast].aggregator.model=demo/b"), "collides", "moa.models.demo/fast");
    }

    @Test
    void theShippedApplicationYmlBindsWithEveryPresetOn() {
        new ApplicationContextRunner()
                .withInitializer(new ConfigDataApplicationContextInitializer())
                .withUserConfiguration(PropertiesOnly.class)
                .withPropertyValues("spring.config.location=file:application.yml",
                        "spring.profiles.active=together,openai,groq,openrouter,ollama",
                        "TOGETHER_API_KEY=sk-together-secret")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    MoaProperties properties = context.getBean(MoaProperties.class);
                    assertThat(properties.models()).containsKeys("moa-demo", "together-moa-lite", "openai-self-moa",
                            "groq-moa", "openrouter-moa", "ollama");
                    assertThat(properties.providerNames())
                            .containsExactlyInAnyOrder("demo", "together", "openai", "groq", "openrouter", "ollama");
                    assertThat(properties.providers().get("together").apiKey()).isEqualTo("sk-together-secret");
                    assertThat(properties.providers().get("together").toString()).doesNotContain("sk-together-secret");
                });
    }

    private void assertStartFails(List<String> properties, String problem, String key) {
        runner.withPropertyValues(properties.toArray(String[]::new)).run(context -> {
            assertThat(context).hasFailed();
            String messages = messages(context.getStartupFailure());
            assertThat(messages).contains(problem).contains(key);
        });
    }

    private static String messages(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            text.append(cause.getMessage()).append('\n');
        }
        return text.toString();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(MoaProperties.class)
    static class PropertiesOnly {
    }
}
