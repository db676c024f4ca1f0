import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

/**
 * The floor of the gateway's stack: a relay on Reactor Netty alone, with nothing of Spring, WebFlux or the gateway.
 * It forwards each request's body to the upstream and sends the upstream's status, content type and bytes back as
 * they come, unread. What a passthrough costs above it is the gateway's own; what it costs above a plain proxy
 * written in C is the JVM's and Netty's.
 * Usage: java -cp CLASSPATH BareRelay.java PORT UPSTREAM_BASE_URL
 */
public class BareRelay {

    public static void main(String[] args) {
        // One event loop per core, as the gateway runs.
        System.setProperty("reactor.netty.ioWorkerCount", System.getProperty("reactor.netty.ioWorkerCount",
                String.valueOf(Runtime.getRuntime().availableProcessors())));
        HttpClient upstream = HttpClient.create().baseUrl(args[1]);
        HttpServer.create()
                .port(Integer.parseInt(args[0]))
                .handle((request, response) -> upstream
                        .headers(headers -> headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json"))
                        .request(request.method())
                        .uri(request.uri())
                        .send(request.receive().retain())
                        .response((answer, body) -> response.status(answer.status())
                                .header(HttpHeaderNames.CONTENT_TYPE,
                                        answer.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE, "application/json"))
                                .send(body.retain()))
                        .then(Mono.empty()))
                .bindNow()
                .onDispose()
                .block();
    }
}
