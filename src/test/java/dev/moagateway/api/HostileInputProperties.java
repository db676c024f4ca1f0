package dev.moagateway.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import dev.moagateway.MoaGatewayApplication;
import dev.moagateway.testing.LeakRecorder;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated malformed and hostile requests: broken JSON, wrong types in every field, deep nesting, huge
 * strings, invalid UTF-8, odd content types, duplicate keys, out-of-range numbers. Whatever comes in, the
 * answer is never a 5xx, never shows a stack trace or a class name, and every error has OpenAI's shape.
 */
class HostileInputProperties {

    private static final String VALID = """
            {"model":"demo-pair","messages":[{"role":"user","content":"Hi"}],"max_tokens":5}""";
    private static final List<String> FIELDS = List.of("model", "messages", "stream", "stream_options", "temperature",
            "top_p", "max_tokens", "max_completion_tokens", "n", "tools", "stop");
    private static final List<String> VALUES = List.of("null", "true", "-1", "0", "1e309", "2147483648", "1.5", "\"\"",
            "\"x\"", "[]", "[null]", "{}", "{\"a\":1}", "[[[]]]", "\"\\u0000\"", "-9223372036854775809");

    private static ConfigurableApplicationContext gateway;
    private static HttpClient client;
    private static int port;
    private final JsonMapper json = JsonMapper.builder().build();

    @BeforeContainer
    static void start() {
        gateway = new SpringApplicationBuilder(MoaGatewayApplication.class).run(
                "--spring.config.location=classpath:/", "--spring.profiles.active=fake", "--server.port=0",
                "--fake.base-url=http://127.0.0.1:1/v1", "--scripted.base-url=http://127.0.0.1:1/v1",
                "--scripted.localhost-url=http://localhost:1/v1", "--moa.api-keys=", "--logging.level.root=WARN");
        port = gateway.getEnvironment().getProperty("local.server.port", Integer.class);
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterContainer
    static void stop() throws InterruptedException {
        gateway.close();
        LeakRecorder.assertNoLeaks();
    }

    @Property(tries = 250)
    void noRequestGetsAServerErrorOrALeak(@ForAll("hostileRequests") HostileRequest hostile) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofByteArray(hostile.body()));
        if (hostile.contentType() != null) {
            request.header("Content-Type", hostile.contentType());
        }

        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isBetween(200, 499);
        assertThat(response.body()).doesNotContain("Exception", "dev.moagateway", "tools.jackson", "java.", "\tat ");
        if (response.statusCode() >= 400) {
            JsonNode error = json.readTree(response.body()).path("error");
            assertThat(error.propertyNames()).containsExactlyInAnyOrder("message", "type", "param", "code");
            assertThat(error.path("message").asString()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<HostileRequest> hostileRequests() {
        Arbitrary<String> contentTypes = Arbitraries.of("application/json", "application/json; charset=utf-8",
                "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
                "*/*", "application/json; charset=iso-8859-1");
        Arbitrary<byte[]> bodies = Arbitraries.oneOf(brokenJson(), wrongTypes(), deepNesting(), hugeStrings(),
                invalidUtf8(), duplicateKeys(), outOfRange(), Arbitraries.strings().ofMaxLength(200).map(this::bytes));
        return Combinators.combine(bodies, contentTypes.injectNull(0.1)).as(HostileRequest::new);
    }

    private Arbitrary<byte[]> brokenJson() {
        return Arbitraries.integers().between(0, VALID.length() - 1).map(cut -> bytes(VALID.substring(0, cut)));
    }

    private Arbitrary<byte[]> wrongTypes() {
        return Combinators.combine(Arbitraries.of(FIELDS), Arbitraries.of(VALUES))
                .as((field, value) -> bytes(VALID.replaceFirst("\\}$", ",\"" + field + "\":" + value + "}")
                        .replaceFirst("\"model\":\"demo-pair\",(.*),\"model\":", "$1,\"model\":")));
    }

    private Arbitrary<byte[]> deepNesting() {
        return Arbitraries.integers().between(40, 5000)
                .map(depth -> bytes(VALID.replaceFirst("\\}$", ",\"metadata\":" + "[".repeat(depth) + "]".repeat(depth) + "}")));
    }

    private Arbitrary<byte[]> hugeStrings() {
        return Combinators.combine(Arbitraries.of("model", "role", "content"), Arbitraries.integers().between(10_000, 2_000_000))
                .as((field, size) -> {
                    String huge = "x".repeat(size);
                    return bytes(switch (field) {
                        case "model" -> VALID.replace("demo-pair", huge);
                        case "role" -> VALID.replace("\"user\"", "\"" + huge + "\"");
                        default -> VALID.replace("\"Hi\"", "\"" + huge + "\"");
                    });
                });
    }

    private Arbitrary<byte[]> invalidUtf8() {
        return Arbitraries.of(new byte[] {(byte) 0xC3}, new byte[] {(byte) 0xFF, (byte) 0xFE}, new byte[] {(byte) 0xED,
                (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0x80})
                .map(bad -> {
                    byte[] head = bytes("{\"model\":\"demo-pair\",\"messages\":[{\"role\":\"user\",\"content\":\"");
                    byte[] tail = bytes("\"}]}");
                    byte[] body = new byte[head.length + bad.length + tail.length];
                    System.arraycopy(head, 0, body, 0, head.length);
                    System.arraycopy(bad, 0, body, head.length, bad.length);
                    System.arraycopy(tail, 0, body, head.length + bad.length, tail.length);
                    return body;
                });
    }

    private Arbitrary<byte[]> duplicateKeys() {
        return Arbitraries.of(FIELDS).map(field -> bytes(VALID.replaceFirst("\\}$", ",\"" + field + "\":1,\"" + field + "\":2}")));
    }

    private Arbitrary<byte[]> outOfRange() {
        return Combinators.combine(Arbitraries.of("n", "max_tokens", "max_completion_tokens", "temperature", "top_p"),
                        Arbitraries.of("-1", "0", "129", "1000000000000", "-0.5", "2.5", "1e20", "NaN", "\"10\""))
                .as((field, value) -> bytes(VALID.replace(",\"max_tokens\":5", "") .replaceFirst("\\}$",
                        ",\"" + field + "\":" + value + "}")));
    }

    private byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    record HostileRequest(byte[] body, String contentType) {

        @Override
        public String toString() {
            String text = new String(body, StandardCharsets.UTF_8);
            return contentType + " " + (text.length() > 300 ? text.substring(0, 300) + "..." : text);
        }
    }
}
