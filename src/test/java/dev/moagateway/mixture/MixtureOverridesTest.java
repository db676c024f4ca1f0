package dev.moagateway.mixture;

import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.moagateway.demo.DemoUpstream;
import dev.moagateway.upstream.UpstreamRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A request's layers and aggregator, bound as the configuration is, each mistake named by its exact place. */
class MixtureOverridesTest {

    private final DemoUpstream simulated = new DemoUpstream(1.0, JsonMapper.shared());
    private final UpstreamRegistry upstreams = new UpstreamRegistry(Map.of("demo", simulated, "fake", simulated));
    private final MixtureOverrides overrides = new MixtureOverrides(true, 2, 3, 6, Set.of("demo", "fake"), upstreams);
    private final MixturePlan configured = MixturePlan.resolve("mix", new Mixture(List.of(new Layer(1,
            List.of(call("fake/a"), call("fake/b")), null, null)), call("fake/agg"), Progress.REASONING_CONTENT),
            upstreams);

    @Test
    void theRequestsLayersReplaceTheMixturesInAnyKeyCaseAndTheRestStays() {
        MixturePlan plan = overrides.apply(configured, parts("""
                {"layers": [{"min_proposers": 2, "grace": "1s", "proposers": [
                  {"model": "fake/self", "samples": 2, "temperatures": [0.2, 0.9], "maxTokens": 99,
                   "params": {"top_k": 40, "response_format": {"type": "json_object"}}}]}]}"""));

        assertThat(plan.id()).isEqualTo("mix");
        assertThat(plan.progress()).isEqualTo(Progress.REASONING_CONTENT);
        assertThat(plan.aggregatorId()).isEqualTo("fake/agg");
        MixturePlan.LayerPlan layer = plan.layers().get(0);
        assertThat(layer.minProposers()).isEqualTo(2);
        assertThat(layer.grace()).hasSeconds(1);
        assertThat(layer.proposers()).extracting(Member::temperature).containsExactly(0.2, 0.9);
        assertThat(layer.proposers()).extracting(Member::maxTokens).containsExactly(99, 99);
        assertThat(layer.proposers().get(0).params().get("top_k").asInt()).isEqualTo(40);
        assertThat(layer.proposers().get(0).params().get("response_format").path("type").asString())
                .isEqualTo("json_object");
    }

    @Test
    void anAggregatorsAnalysisIsAnAnalystCalledBeforeIt() {
        MixturePlan plan = overrides.apply(configured, parts("""
                {"aggregator": {"model": "fake/agg", "analysis": {"max_tokens": 500}}}"""));

        assertThat(plan.analyst()).isNotNull();
        assertThat(plan.analyst().id()).isEqualTo("fake/agg");
        assertThat(plan.analyst().temperature()).isZero();
        assertThat(plan.analyst().maxTokens()).isEqualTo(500);
        assertThat(plan.memberIds()).containsExactly("fake/a", "fake/b", "fake/agg");
    }

    @Test
    void anAggregatorAloneKeepsTheConfiguredLayers() {
        MixturePlan plan = overrides.apply(configured, parts("""
                {"aggregator": {"model": "demo/sage", "system-prompt": "Be brief."}}"""));

        assertThat(plan.aggregatorId()).isEqualTo("demo/sage");
        assertThat(plan.layers().get(0).ids()).containsExactly("fake/a", "fake/b");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            {"layers": [{"proposers": [{"model": "fake/a"}, {"model": "fake/b"}, {"model": "nope/x"}]}]}  | moa.layers[0].proposers[2].model | unknown provider 'nope'
            {"layers": [{"proposers": [{"model": "no-slash"}]}]}                           | moa.layers[0].proposers[0].model         | must be 'provider/model'
            {"layers": [{"min_proposers": 3, "proposers": [{"model": "fake/a"}]}]}         | moa.layers[0].min-proposers              | got 3
            {"layers": [{"proposers": [{"model": "fake/a", "temprature": 0.2}]}]}          | moa.layers[0].proposers[0].temprature    | Unknown parameter
            {"layers": [{"proposers": [{"model": "fake/a", "temperature": "hot"}]}]}       | moa.layers[0].proposers[0].temperature   | 'hot'
            {"layers": [{"proposers": [{"model": "fake/a", "temperature": 7}]}]}           | moa.layers[0].proposers[0].temperature   | between 0 and 2
            {"layers": [{"proposers": [{"model": "fake/a", "samples": 2, "seeds": [1, 2, 3]}]}]} | moa.layers[0].proposers[0].seeds   | 3 entries for 2 samples
            {"layers": [{"deadline": "soon", "proposers": [{"model": "fake/a"}]}]}         | moa.layers[0].deadline                   | 'soon'
            {"layers": [{"proposers": []}]}                                                 | moa.layers[0].proposers                  | at least one proposer
            {"layers": []}                                                                  | moa.layers                               | at least one layer
            {"layers": "all"}                                                               | moa.layers                               | an array of layers
            {"layers": [{"proposers": [{"model": "fake/a"}]}, {"proposers": [{"model": "fake/a"}]}, {"proposers": [{"model": "fake/a"}]}]} | moa.layers | at most 2 layers
            {"layers": [{"proposers": [{"model": "fake/a", "samples": 4}]}]}               | moa.layers[0].proposers                  | at most 3 calls
            {"layers": [{"proposers": [{"model": "fake/a", "samples": 3}]}, {"proposers": [{"model": "fake/b", "samples": 3}]}]} | moa.layers | at most 6 calls
            {"layers": [{"proposers": [{"model": "fake/a", "samples": 3}]}, {"proposers": [{"model": "fake/b", "samples": 2}]}], "aggregator": {"model": "fake/agg", "analysis": {"temperature": 0}}} | moa.layers | the analyst and the aggregator), got 7
            {"aggregator": {"model": "fake/agg", "analysis": {"model": "nope/x"}}}          | moa.aggregator.analysis.model            | unknown provider 'nope'
            {"aggregator": {"model": "fake/agg", "analysis": {"max-tokens": 0}}}           | moa.aggregator.analysis.max-tokens       | max-tokens must be at least 1
            {"aggregator": {"model": "fake/agg", "analysis": {"modle": "fake/x"}}}         | moa.aggregator.analysis.modle            | Unknown parameter
            {"layers": [{"proposers": [{"model": "fake/a", "analysis": {"temperature": 0}}]}]} | moa.layers[0].proposers[0].analysis  | a step of the aggregator's
            {"aggregator": {"model": "fake/agg", "samples": 2}}                             | moa.aggregator.samples                   | writes one answer
            {"aggregator": {"model": "elsewhere/agg"}}                                      | moa.aggregator.model                     | unknown provider 'elsewhere'
            {"aggregator": "fake/agg"}                                                      | moa.aggregator                           | must be an object
            """)
    void eachMistakeIsNamedByItsExactPlace(String body, String param, String problem) {
        assertThatThrownBy(() -> overrides.apply(configured, parts(body)))
                .isInstanceOfSatisfying(InvalidSetting.class, invalid -> {
                    assertThat(invalid.key()).isEqualTo(param);
                    assertThat(invalid.getMessage()).contains(problem);
                });
    }

    @Test
    void whileDisabledAnyPartIsRefusedAsAWhole() {
        MixtureOverrides disabled = new MixtureOverrides(false, 2, 3, 6, Set.of("fake"), upstreams);

        assertThatThrownBy(() -> disabled.apply(configured, parts("{\"aggregator\": {\"model\": \"fake/agg\"}}")))
                .isInstanceOfSatisfying(InvalidSetting.class, invalid -> {
                    assertThat(invalid.key()).isEqualTo("moa");
                    assertThat(invalid.getMessage()).contains("moa.overrides.enabled");
                });
    }

    private static JsonNode parts(String json) {
        return JsonMapper.shared().readTree(json);
    }

    private static ModelCall call(String model) {
        return new ModelCall(model, null, null, null, null, null, null, null, null, null, null);
    }
}
