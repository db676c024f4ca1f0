package dev.moagateway.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.regex.Matcher;

import dev.moagateway.testing.RawHttp.Header;

/**
 * Malformed and hostile requests, each drawn from a {@link Random} alone, so one seed gives one request:
 * broken JSON, wrong types in every field, deep nesting, huge strings, invalid UTF-8, duplicate keys, numbers
 * out of range, hostile {@code moa} objects, Responses and Messages bodies; every method on every endpoint, CORS
 * preflights, static-looking and traversing paths, malformed percent-encoding in paths and query strings;
 * hostile {@code x-request-id}, {@code X-Moa-Trace}, {@code Origin} and {@code Accept} headers. Headers keep to
 * what an HTTP/1.1 parser must accept (no control characters) and request lines to Netty's 4 KB, so every
 * request reaches the gateway rather than Netty's codec.
 */
final class HostileRequests {

    static final String ALLOWED_ORIGIN = "https://chat.example.com";

    private static final String CHAT = "/v1/chat/completions";
    private static final String RESPONSES = "/v1/responses";
    static final String MESSAGES = "/v1/messages";
    private static final String MESSAGES_VALID = """
            {"model":"demo-pair","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}]}\
            """;
    private static final List<String> MESSAGES_FIELDS = List.of("model", "system", "messages", "max_tokens",
            "stop_sequences", "temperature", "top_p", "top_k", "tools", "tool_choice", "thinking", "stream", "moa");
    private static final List<String> BLOCK_TYPES = List.of("\"text\"", "\"image\"", "\"tool_use\"",
            "\"tool_result\"", "\"thinking\"", "\"document\"", "null", "1", "[]", "{}");
    private static final String RESPONSES_VALID = """
            {"model":"demo-pair","input":[{"role":"user","content":[{"type":"input_text","text":"Hi"}]}],\
            "max_output_tokens":5}""";
    private static final List<String> RESPONSES_FIELDS = List.of("model", "input", "instructions", "tools",
            "tool_choice", "parallel_tool_calls", "max_output_tokens", "temperature", "top_p", "reasoning", "text",
            "metadata", "store", "stream", "previous_response_id", "moa");
    private static final List<String> ITEM_TYPES = List.of("\"message\"", "\"function_call\"",
            "\"function_call_output\"", "\"reasoning\"", "\"input_image\"", "\"output_text\"", "\"refusal\"",
            "\"web_search_call\"", "null", "1", "[]", "{}");
    private static final String VALID = """
            {"model":"demo-pair","messages":[{"role":"user","content":"Hi"}],"max_tokens":5}""";
    private static final List<String> FIELDS = List.of("model", "messages", "stream", "stream_options", "temperature",
            "top_p", "max_tokens", "max_completion_tokens", "n", "tools", "stop", "moa");
    private static final List<String> VALUES = List.of("null", "true", "-1", "0", "1e309", "2147483648", "1.5", "\"\"",
            "\"x\"", "[]", "[null]", "{}", "{\"a\":1}", "[[[]]]", "\"\\u0000\"", "-9223372036854775809");
    private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json; charset=utf-8",
            "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
            "*/*", "application/json; charset=iso-8859-1", "text/event-stream", "application/json; charset=nope", "");
    private static final List<String> PROGRESS = List.of("\"none\"", "\"reasoning_content\"", "\"reasoning\"",
            "\"both\"", "\"think-tags\"", "\"think_tags\"", "\"BOTH\"", "\" none\"", "\"\"", "\"\\u0000\"", "null", "1",
            "true", "[\"both\"]", "{}", "{\"mode\":\"both\"}");
    private static final List<String> MOA_KEYS = List.of("progress", "trace", "events", "Progress", "TRACE", "unknown",
            "", "progress ", "__proto__");
    private static final List<String> METHODS = List.of("GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH", "HEAD",
            "TRACE", "FOO", "get");
    private static final List<String> ENDPOINTS = List.of(CHAT, RESPONSES, MESSAGES, "/v1/models",
            "/v1/models/demo-pair", "/v1/models/demo/atlas", "/");
    private static final List<String> STATIC_PATHS = List.of("/", "/index.html", "/playground.js", "/playground.css",
            "/favicon.ico", "/robots.txt", "/static/app.js", "/assets/index-3f2a.css", "/.env", "/.git/config",
            "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd", "/static/..%5c..%5cwin.ini",
            "/WEB-INF/web.xml", "/actuator", "/actuator/env", "/actuator/health", "/actuator/heapdump", "/v1", "/v1/",
            "//v1/models", "/v1/models/", "/v1/chat", "/v1/chat/completions/x", "/v2/chat/completions", "/index.html/",
            "/index.html%00.js", "/%00", "/~root", "/index.html;.js", "/V1/MODELS");
    private static final List<String> BAD_TARGETS = List.of("?x=%%%%", "?%zz", "?%", "?%2", "?%G0", "?a=%E2%82",
            "?a=%00", "?a=%C0%AF", "?a=1&a=2&&&=", "?stream=true&model=x", "?q=<script>alert(1)</script>", "?q=\"x\"",
            "?q={json}", "?q=a|b", "?q=a\\b", "?q=`id`", "?q=^", "#fragment", "?#", "??", "?q=%2e%2e%2f",
            ";jsessionid=abc", ";a=b?c=d", "/", "/..", "/.", "%", "%2", "%zz", "%00", "%2F", "/%%", "/%zz/x", "//");
    private static final List<String> PATH_TARGETS = List.of("/v1/%%", "/v1/%zz/models", "/v1/chat%2Fcompletions",
            "/v1/./models", "/v1/../v1/models", "/v1//models", "/v1/models/%", "/v1/models/{id}", "/v1/models/a|b",
            "/v1/models/%E2%98%83", "/v1/models/..%2F..%2Fetc", "/v1/models/a%2Fb", "http://evil.example/v1/models",
            "http://evil.example/v1/models?%zz", "*");
    private static final List<String> ORIGINS = List.of(ALLOWED_ORIGIN, "null", "http://evil.example", "",
            "https://localhost:8080", "http://localhost", "file://", "*", "http://[::1", "http://a b",
            "chrome-extension://abc", "https://chat.example.com.evil.example", "HTTPS://CHAT.EXAMPLE.COM",
            "https://chat.example.com/", "https://chat.example.com:99999");
    private static final List<String> TRACE_VALUES = List.of("true", "false", "1", "0", "yes", "", "TRUE", " true ",
            "null", "{}", "both", "\u00e9", "true, false");
    private static final List<String> REQUEST_IDS = List.of("", "trace-42", "a b", "<script>", "../../etc/passwd",
            "id\twith\ttabs", "%00", "\"quoted\"", "caf\u00e9", "\u00ff\u00fe", "req_1;drop table", "x\\y");
    private static final List<String> REQUEST_METHODS = List.of("POST", "GET", "PUT", "DELETE", "FOO", "post", "");
    private static final List<String> REQUEST_HEADERS = List.of("authorization, content-type", "x-moa-trace",
            "authorization, x-stainless-os, x-stainless-retry-count", "x-forbidden", "authorization, cookie", "",
            ",,,", "AUTHORIZATION");
    private static final List<String> ACCEPTS = List.of("application/json", "text/event-stream", "application/xml",
            "*/*;q=0", "text/html", "garbage/", "", "application/json;q=0, text/plain");

    private HostileRequests() {
    }

    /** One request; the same {@code random} state always gives the same request. */
    static HostileRequest generate(Random random) {
        int kind = random.nextInt(100);
        HostileRequest request = kind < 24 ? chatBody(random)
                : kind < 34 ? responsesBody(random)
                : kind < 44 ? messagesBody(random)
                : kind < 54 ? moaExtension(random)
                : kind < 70 ? otherEndpoint(random)
                : kind < 78 ? preflight(random)
                : hostileTarget(random);
        return random.nextInt(2) == 0 ? request : withHostileHeaders(request, random);
    }

    /** A head over the limit is refused before the body is read; a large body then meets a closed connection. */
    private static boolean mayPad(HostileRequest request) {
        return request.body() == null || request.body().length < 64 * 1024;
    }

    private static HostileRequest chatBody(Random random) {
        List<Function<Random, byte[]>> bodies = List.of(HostileRequests::brokenJson, HostileRequests::wrongTypes,
                HostileRequests::deepNesting, HostileRequests::hugeStrings, HostileRequests::invalidUtf8,
                HostileRequests::duplicateKeys, HostileRequests::outOfRange, HostileRequests::randomText);
        int which = random.nextInt(bodies.size());
        List<Header> headers = new ArrayList<>();
        if (random.nextInt(10) > 0) {
            headers.add(new Header("Content-Type", pick(random, CONTENT_TYPES)));
        }
        return new HostileRequest("chat body", "POST", CHAT, headers, bodies.get(which).apply(random));
    }

    /** A Responses request: a field of the wrong type, an input item of any shape, or a chat body's mutations. */
    private static HostileRequest responsesBody(Random random) {
        String body = switch (random.nextInt(4)) {
            case 0 -> withField(RESPONSES_VALID, pick(random, RESPONSES_FIELDS), pick(random, VALUES))
                    .replaceFirst("\"model\":\"demo-pair\",(.*),\"model\":", "$1,\"model\":");
            case 1 -> RESPONSES_VALID.replace("{\"type\":\"input_text\",\"text\":\"Hi\"}", "{\"type\":"
                    + pick(random, ITEM_TYPES) + ",\"text\":" + pick(random, VALUES) + ",\"image_url\":"
                    + pick(random, VALUES) + "}");
            case 2 -> RESPONSES_VALID.replace("{\"role\":\"user\",", "{\"type\":" + pick(random, ITEM_TYPES)
                    + ",\"role\":" + pick(random, VALUES) + ",\"call_id\":" + pick(random, VALUES) + ",\"output\":"
                    + pick(random, VALUES) + ",\"arguments\":" + pick(random, VALUES) + ",");
            default -> RESPONSES_VALID.substring(0, random.nextInt(RESPONSES_VALID.length()));
        };
        if (random.nextBoolean()) {
            body = withField(body, "stream", "true");
        }
        return new HostileRequest("responses body", "POST", RESPONSES,
                List.of(new Header("Content-Type", "application/json")), bytes(body));
    }

    /** A Messages request: a field of the wrong type, a block of any shape, or cut short. */
    private static HostileRequest messagesBody(Random random) {
        String body = switch (random.nextInt(4)) {
            case 0 -> withField(MESSAGES_VALID, pick(random, MESSAGES_FIELDS), pick(random, VALUES))
                    .replaceFirst("\"model\":\"demo-pair\",(.*),\"model\":", "$1,\"model\":");
            case 1 -> MESSAGES_VALID.replace("{\"type\":\"text\",\"text\":\"Hi\"}", "{\"type\":"
                    + pick(random, BLOCK_TYPES) + ",\"text\":" + pick(random, VALUES) + ",\"source\":"
                    + pick(random, VALUES) + ",\"input\":" + pick(random, VALUES) + ",\"content\":"
                    + pick(random, VALUES) + "}");
            case 2 -> MESSAGES_VALID.replace("\"role\":\"user\"", "\"role\":" + pick(random, VALUES));
            default -> MESSAGES_VALID.substring(0, random.nextInt(MESSAGES_VALID.length()));
        };
        if (random.nextBoolean()) {
            body = withField(body, "stream", "true");
        }
        String target = random.nextInt(5) == 0 ? MESSAGES + "/count_tokens" : MESSAGES + "?beta=true";
        return new HostileRequest("messages body", "POST", target,
                List.of(new Header("Content-Type", "application/json")), bytes(body));
    }

    private static HostileRequest moaExtension(Random random) {
        String moa = switch (random.nextInt(4)) {
            case 0 -> pick(random, VALUES);
            case 1 -> nested(random.nextInt(40, 200));
            case 2 -> "{\"progress\":\"" + "x".repeat(random.nextInt(1_000, 200_000)) + "\"}";
            default -> moaObject(random);
        };
        String body = withField(random.nextInt(4) == 0 ? VALID.replace("demo-pair", "moa-demo") : VALID, "moa", moa);
        if (random.nextBoolean()) {
            body = withField(body, "stream", "true");
        }
        if (random.nextInt(6) == 0) {
            body = withField(body, "moa", moaObject(random));
        }
        return new HostileRequest("moa", "POST", CHAT, List.of(new Header("Content-Type", "application/json")),
                bytes(body));
    }

    private static String nested(int depth) {
        return "{\"progress\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
    }

    /** Zero to four entries, right or wrong keys, right or wrong values. */
    private static String moaObject(Random random) {
        List<String> entries = new ArrayList<>();
        for (int i = random.nextInt(5); i > 0; i--) {
            String key = pick(random, MOA_KEYS);
            String value = random.nextBoolean() ? pick(random, PROGRESS)
                    : random.nextBoolean() ? pick(random, List.of("true", "false")) : pick(random, VALUES);
            entries.add("\"" + key + "\":" + value);
        }
        return "{" + String.join(",", entries) + "}";
    }

    private static HostileRequest otherEndpoint(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> new HostileRequest("models", "GET", "/v1/models", List.of(), null);
            case 1 -> new HostileRequest("model id", "GET", "/v1/models/" + garbageId(random), List.of(), null);
            case 2, 3 -> {
                String method = pick(random, METHODS);
                byte[] body = random.nextInt(3) == 0 ? bytes(VALID) : null;
                yield new HostileRequest("method", method, pick(random, ENDPOINTS), List.of(), body);
            }
            case 4 -> new HostileRequest("static", random.nextInt(5) == 0 ? "HEAD" : "GET", pick(random, STATIC_PATHS),
                    List.of(), null);
            default -> new HostileRequest("static", "GET", staticLooking(random), List.of(), null);
        };
    }

    /** A browser's CORS preflight, from the origin the gateway allows or another, asking for anything. */
    private static HostileRequest preflight(Random random) {
        List<Header> headers = new ArrayList<>();
        headers.add(new Header("Origin", random.nextBoolean() ? ALLOWED_ORIGIN : pick(random, ORIGINS)));
        if (random.nextInt(5) > 0) {
            headers.add(new Header("Access-Control-Request-Method", pick(random, REQUEST_METHODS)));
        }
        if (random.nextBoolean()) {
            headers.add(new Header("Access-Control-Request-Headers", random.nextInt(4) > 0
                    ? pick(random, REQUEST_HEADERS) : headerText(random, random.nextInt(1, 200))));
        }
        return new HostileRequest("preflight", "OPTIONS", pick(random, ENDPOINTS), headers, null);
    }

    private static HostileRequest hostileTarget(Random random) {
        String endpoint = pick(random, ENDPOINTS);
        String target = switch (random.nextInt(4)) {
            case 0 -> endpoint + pick(random, BAD_TARGETS);
            case 1 -> pick(random, PATH_TARGETS);
            case 2 -> endpoint + "?" + printable(random, random.nextInt(1, 200));
            default -> endpoint + "?" + "a=%".repeat(random.nextInt(1, 300));
        };
        String method = target.equals("*") ? "OPTIONS" : List.of(CHAT, RESPONSES, MESSAGES).contains(endpoint) ? "POST"
                : "GET";
        byte[] body = method.equals("POST") ? bytes(VALID) : null;
        List<Header> headers = body == null ? List.of() : List.of(new Header("Content-Type", "application/json"));
        return new HostileRequest("target", method, target, headers, body);
    }

    /** One to three kinds of header, each once, so the whole head stays under Netty's 64 KB. */
    private static HostileRequest withHostileHeaders(HostileRequest request, Random random) {
        List<Header> headers = new ArrayList<>(request.headers());
        List<Integer> kinds = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6));
        Collections.shuffle(kinds, random);
        for (int kind : kinds.subList(0, random.nextInt(1, 4))) {
            headers.add(switch (kind) {
                case 0 -> new Header("x-request-id", random.nextBoolean() ? pick(random, REQUEST_IDS)
                        : random.nextBoolean() ? headerText(random, random.nextInt(1, 300))
                        : "a".repeat(random.nextInt(120, 5_000)));
                case 1 -> new Header("X-Moa-Trace", random.nextBoolean() ? pick(random, TRACE_VALUES)
                        : headerText(random, random.nextInt(1, 3_000)));
                case 2 -> new Header("Origin", random.nextInt(3) > 0 ? pick(random, ORIGINS)
                        : "http://" + "a".repeat(random.nextInt(1, 3_000)) + ".example");
                case 3 -> new Header("Access-Control-Request-Method", pick(random, REQUEST_METHODS));
                case 4 -> new Header("Access-Control-Request-Headers", pick(random, REQUEST_HEADERS));
                case 5 -> new Header("Accept", pick(random, ACCEPTS));
                // Now and then over the gateway's 32 KB limit, always under Netty's 64 KB.
                default -> new Header("X-Padding", "p".repeat(random.nextInt(4) == 0 && mayPad(request)
                        ? random.nextInt(33_000, 40_000) : random.nextInt(1, 1_000)));
            });
        }
        return new HostileRequest(request.kind() + " + headers", request.method(), request.target(), headers,
                request.body());
    }

    private static byte[] brokenJson(Random random) {
        return bytes(VALID.substring(0, random.nextInt(VALID.length())));
    }

    private static byte[] wrongTypes(Random random) {
        String field = pick(random, FIELDS);
        // The field replaces the valid one where there is one, so the wrong value is the one read.
        return bytes(withField(VALID, field, pick(random, VALUES))
                .replaceFirst("\"model\":\"demo-pair\",(.*),\"model\":", "$1,\"model\":"));
    }

    private static byte[] deepNesting(Random random) {
        int depth = random.nextInt(40, 5_001);
        return bytes(withField(VALID, "metadata", "[".repeat(depth) + "]".repeat(depth)));
    }

    private static byte[] hugeStrings(Random random) {
        String huge = "x".repeat(random.nextInt(10_000, 2_000_001));
        return bytes(switch (random.nextInt(3)) {
            case 0 -> VALID.replace("demo-pair", huge);
            case 1 -> VALID.replace("\"user\"", "\"" + huge + "\"");
            default -> VALID.replace("\"Hi\"", "\"" + huge + "\"");
        });
    }

    private static byte[] invalidUtf8(Random random) {
        byte[][] bad = {{(byte) 0xC3}, {(byte) 0xFF, (byte) 0xFE}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                {(byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}};
        byte[] head = bytes("{\"model\":\"demo-pair\",\"messages\":[{\"role\":\"user\",\"content\":\"");
        byte[] middle = bad[random.nextInt(bad.length)];
        byte[] tail = bytes("\"}]}");
        byte[] body = new byte[head.length + middle.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(middle, 0, body, head.length, middle.length);
        System.arraycopy(tail, 0, body, head.length + middle.length, tail.length);
        return body;
    }

    private static byte[] duplicateKeys(Random random) {
        String field = pick(random, FIELDS);
        return bytes(VALID.replaceFirst("\\}$", ",\"" + field + "\":1,\"" + field + "\":2}"));
    }

    private static byte[] outOfRange(Random random) {
        String field = pick(random, List.of("n", "max_tokens", "max_completion_tokens", "temperature", "top_p"));
        String value = pick(random, List.of("-1", "0", "129", "1000000000000", "-0.5", "2.5", "1e20", "NaN", "\"10\""));
        return bytes(withField(VALID.replace(",\"max_tokens\":5", ""), field, value));
    }

    /** Up to 200 characters from anywhere: JSON's punctuation, controls, the BMP and beyond. */
    private static byte[] randomText(Random random) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(201); i > 0; i--) {
            int range = random.nextInt(10);
            text.appendCodePoint(range < 4 ? random.nextInt(0x20, 0x7F)
                    : range < 6 ? "{}[]\":,\\".charAt(random.nextInt(8))
                    : range < 7 ? random.nextInt(0x20)
                    : range < 9 ? random.nextInt(0x80, 0xD800)
                    : random.nextInt(0x10000, 0x110000));
        }
        return bytes(text.toString());
    }

    private static String garbageId(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> pick(random, List.of("..", "%2e%2e", "a/b/c", "%00", "%E2%98%83", "demo/", "/", "%zz", "%",
                    "demo%2Fatlas", "<script>", "nul", "con.txt", "demo-pair%20", "%0d%0aSet-Cookie:x"));
            case 1 -> "x".repeat(random.nextInt(1, 3_000));
            case 2 -> printable(random, random.nextInt(1, 100));
            default -> "demo/" + printable(random, random.nextInt(1, 40));
        };
    }

    private static String staticLooking(Random random) {
        StringBuilder path = new StringBuilder();
        for (int i = random.nextInt(1, 5); i > 0; i--) {
            path.append('/');
            for (int j = random.nextInt(1, 12); j > 0; j--) {
                path.append("abcdefghijklmnopqrstuvwxyz0123456789._-~".charAt(random.nextInt(40)));
            }
        }
        return path + pick(random, List.of(".js", ".css", ".html", ".png", ".map", ".ico", ".json", ".txt", "", "/"));
    }

    /** Visible ASCII, as a request target may hold it: {@code %}, quotes, braces and all. */
    private static String printable(Random random, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append((char) random.nextInt(0x21, 0x7F));
        }
        return text.toString();
    }

    /** What a header value may hold: visible ASCII, spaces, tabs and obs-text bytes. */
    private static String headerText(Random random, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int range = random.nextInt(10);
            text.append(range < 7 ? (char) random.nextInt(0x21, 0x7F) : range < 8 ? ' ' : range < 9 ? '\t'
                    : (char) random.nextInt(0x80, 0x100));
        }
        return text.toString();
    }

    private static String withField(String json, String field, String value) {
        return json.replaceFirst("\\}$", ",\"" + field + "\":" + Matcher.quoteReplacement(value) + "}");
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** One request as it goes on the wire; {@code body} may be null. */
    record HostileRequest(String kind, String method, String target, List<Header> headers, byte[] body) {

        /** A line for a test's name: what kind, the request line, the headers and the body, shortened and printable. */
        @Override
        public String toString() {
            StringBuilder line = new StringBuilder(kind).append(": ").append(method).append(' ')
                    .append(shorten(target, 120));
            headers.forEach(header -> line.append(" [").append(header.name()).append(": ")
                    .append(shorten(header.value(), 40)).append(']'));
            if (body != null) {
                line.append(' ').append(shorten(new String(body, StandardCharsets.UTF_8), 160))
                        .append(" (").append(body.length).append(" bytes)");
            }
            return line.toString();
        }

        private static String shorten(String text, int max) {
            String cut = text.length() > max ? text.substring(0, max) + "..." : text;
            StringBuilder printable = new StringBuilder();
            cut.codePoints().forEach(c -> printable.append(c < 0x20 || c == 0x7F
                    ? String.format("\\u%04x", c) : new String(Character.toChars(c))));
            return printable.toString();
        }
    }
}
