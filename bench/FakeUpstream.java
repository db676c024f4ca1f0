import java.time.Duration;
import java.util.stream.IntStream;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServer;

/**
 * A fast OpenAI-compatible upstream for load runs. A non-streamed call is answered at once; a streamed one
 * sends TOKENS chunks GAP_MS apart, then finish, usage and [DONE]. Every answer is the same; the request
 * body is read and dropped. Usage: java -cp CLASSPATH FakeUpstream.java PORT TOKENS GAP_MS
 */
public class FakeUpstream {

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int tokens = Integer.parseInt(args[1]);
        Duration gap = Duration.ofMillis(Long.parseLong(args[2]));
        String completion = """
                {"id":"fake","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,\
                "message":{"role":"assistant","content":"A fake answer."},"finish_reason":"stop"}],\
                "usage":{"prompt_tokens":10,"completion_tokens":4,"total_tokens":14}}""";
        String chunk = "data: {\"id\":\"fake\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok \"},\"finish_reason\":null}]}\n\n";
        String end = "data: {\"id\":\"fake\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                + "data: {\"id\":\"fake\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":" + tokens + ",\"total_tokens\":" + (10 + tokens)
                + "}}\n\ndata: [DONE]\n\n";
        HttpServer.create()
                .port(port)
                .handle((request, response) -> request.receive().aggregate().asString().flatMap(body -> {
                    if (!body.contains("\"stream\":true")) {
                        return response.header("Content-Type", "application/json").sendString(Mono.just(completion)).then();
                    }
                    Flux<String> events = Flux.fromStream(IntStream.range(0, tokens).boxed())
                            .delayElements(gap)
                            .map(i -> chunk)
                            .concatWithValues(end);
                    return response.header("Content-Type", "text/event-stream").sendString(events).then();
                }))
                .bindNow()
                .onDispose()
                .block();
    }
}
