package dev.moagateway.upstream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonScanTest {

    private final JsonMapper json = JsonMapper.shared();

    private JsonScan scan(String text) {
        return JsonScan.of(json.createParser(text));
    }

    @Test
    void aTokenChunkNeitherFailsNorFinishes() {
        assertThat(scan("""
                {"id":"c","choices":[{"index":0,"delta":{"content":"\\"error\\" finish_reason"},"finish_reason":null}]}"""))
                .isEqualTo(new JsonScan(false, null, null, -1, -1));
    }

    @Test
    void aFinishReasonInAnyChoiceFinishes() {
        assertThat(scan("""
                {"choices":[{"index":0,"delta":{}},{"index":1,"delta":{},"finish_reason" : "stop"}]}"""))
                .extracting(JsonScan::finishReason).isEqualTo("stop");
    }

    @Test
    void theModelAndTheUsageCountsAreRead() {
        assertThat(scan("""
                {"id":"c","model":"m-1","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":5,\
                "completion_tokens_details":{"prompt_tokens":99}},"x":{"usage":{"prompt_tokens":7}}}"""))
                .isEqualTo(new JsonScan(false, null, "m-1", 12, 5));
    }

    @Test
    void onlyATopLevelErrorThatIsNotNullIsAnError() {
        assertThat(scan("{\"error\":{\"message\":\"overloaded\"}}").error()).isTrue();
        assertThat(scan("{\"error\":\"overloaded\"}").error()).isTrue();
        assertThat(scan("{\"error\":null,\"choices\":[]}").error()).isFalse();
        assertThat(scan("{\"choices\":[{\"logprobs\":{\"error\":1}}]}").error()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{not json", "[]", "\"text\"", "{\"a\":1", "{\"a\":1} {}", "{\"a\":", ""})
    void anythingButOneJsonObjectIsRefused(String text) {
        assertThatThrownBy(() -> scan(text)).isInstanceOf(JacksonException.class);
    }
}
