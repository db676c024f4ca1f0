package dev.moagateway.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import dev.moagateway.testing.GatewayTest;
import dev.moagateway.testing.RawHttp;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Generated malformed and hostile requests ({@link HostileRequests}) against every endpoint. Whatever comes in,
 * the answer is never a 5xx, never shows a stack trace or a class name, carries an {@code x-request-id}, and
 * every error has OpenAI's shape (Anthropic's on the Messages endpoints); no buffer leaks. Case {@code i} is
 * drawn from {@code new Random(seed + i)} and its name shows that seed:
 * {@code -Dhostile.seed=<it> -Dhostile.cases=1} replays one case alone, and another {@code hostile.seed}
 * explores further.
 */
@TestPropertySource(properties = "moa.cors.allowed-origins=" + HostileRequests.ALLOWED_ORIGIN)
class HostileInputTest extends GatewayTest {

    private static final long SEED = Long.getLong("hostile.seed", 20_261_201L);
    private static final int CASES = Integer.getInteger("hostile.cases", 300);
    private static final RawHttp.Header KEY = new RawHttp.Header("Authorization", "Bearer " + API_KEY);

    @TestFactory
    Stream<DynamicTest> noRequestGetsAServerErrorATraceOrAShapelessError() {
        return IntStream.range(0, CASES).mapToObj(i -> {
            long seed = SEED + i;
            HostileRequests.HostileRequest request = HostileRequests.generate(new Random(seed));
            return dynamicTest("seed " + seed + " " + request, () -> check(seed, request));
        });
    }

    private void check(long seed, HostileRequests.HostileRequest request) throws Exception {
        // With the key, so that every request is read as far as it goes; requests without one are its own case.
        List<RawHttp.Header> headers = new ArrayList<>(request.headers());
        headers.add(0, KEY);
        RawHttp.Response response = RawHttp.send(port, request.method(), request.target(), headers, request.body());
        String body = response.text();
        String context = "seed " + seed + " (replay: -Dhostile.seed=" + seed + " -Dhostile.cases=1)\n" + request
                + "\n-> " + response.status() + " " + response.headers() + "\n" + abbreviate(body);

        assertThat(response.status()).as(context).isBetween(200, 499);
        assertThat(response.header(RequestScopeFilter.HEADER)).as(context).isNotBlank();
        assertThat(body).as(context).doesNotContain("\tat ", "dev.moagateway");
        if (!isPage(response)) {
            assertThat(body).as(context).doesNotContain("Exception", "tools.jackson", "java.", "reactor.core",
                    "io.netty");
        }
        if (response.status() >= 400 && !request.method().equals("HEAD")) {
            assertThat(response.header("content-type")).as(context).startsWith("application/json");
            JsonNode root;
            try {
                root = json.readTree(body);
            }
            catch (JacksonException notJson) {
                throw new AssertionError("The error is not JSON: " + context, notJson);
            }
            JsonNode error = root.path("error");
            if (request.target().startsWith(HostileRequests.MESSAGES)) {
                assertThat(root.propertyNames()).as(context).containsExactly("type", "error");
                assertThat(error.propertyNames()).as(context).containsExactlyInAnyOrder("type", "message");
            }
            else {
                assertThat(root.propertyNames()).as(context).containsExactly("error");
                assertThat(error.propertyNames()).as(context).containsExactlyInAnyOrder("message", "type", "param",
                        "code");
            }
            assertThat(error.path("message").asString()).as(context).isNotBlank();
            assertThat(error.path("type").asString()).as(context).isNotBlank();
        }
    }

    /** The playground's own files may well say "Exception" in their script. */
    private static boolean isPage(RawHttp.Response response) {
        String type = response.header("content-type");
        return response.status() < 300 && type != null && !type.startsWith("application/json")
                && !type.startsWith("text/event-stream");
    }

    private static String abbreviate(String text) {
        return text.length() > 600 ? text.substring(0, 600) + "..." : text;
    }
}
