package dev.moagateway.api;

import java.time.Duration;
import java.util.List;

import dev.moagateway.observability.RequestScope;
import dev.moagateway.openai.ChatCompletionChunk;
import dev.moagateway.openai.ChatMessage;
import dev.moagateway.openai.ChunkChoice;
import dev.moagateway.upstream.UpstreamException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class EventStreamTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private final EventStream events = new EventStream(json, Duration.ofSeconds(10));
    private final String chunk = EventStream.event(json.writeValueAsString(new ChatCompletionChunk("chatcmpl-1",
            ChatCompletionChunk.OBJECT, 1L, "m", List.of(new ChunkChoice(0, ChatMessage.of(null, "Hi"), null, null)),
            null, null)));

    @Test
    void sendsKeepAliveCommentsWhileTheFirstChunkIsAwaitedAndNoneAfter() {
        StepVerifier.withVirtualTime(() -> events.frames(
                Flux.just(chunk, chunk).delayElements(Duration.ofSeconds(25)), RequestScope.detached()))
                .thenAwait(Duration.ofSeconds(25))
                .expectNext(EventStream.KEEP_ALIVE, EventStream.KEEP_ALIVE)
                .assertNext(frame -> assertThat(frame).startsWith("data: {\"id\":\"chatcmpl-1\""))
                .thenAwait(Duration.ofSeconds(25))
                .assertNext(frame -> assertThat(frame).startsWith("data: {"))
                .expectNext(EventStream.DONE)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aFailureBeforeAnythingWasWrittenPropagatesForARealStatus() {
        UpstreamException failure = UpstreamException.malformed("fake/agg", "broke");

        StepVerifier.create(events.frames(Flux.error(failure), RequestScope.detached()))
                .expectErrorSatisfies(error -> assertThat(error).isSameAs(failure))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aFailureAfterTheFirstFrameBecomesAnErrorEventThenDone() {
        Flux<String> broken = Flux.just(chunk)
                .concatWith(Mono.error(UpstreamException.timeout("fake/agg", "next chunk", Duration.ofSeconds(2))));

        StepVerifier.create(events.frames(broken, RequestScope.detached()))
                .assertNext(frame -> assertThat(frame).contains("\"content\":\"Hi\""))
                .expectNext("data: {\"error\":{\"message\":\"fake/agg timed out: no next chunk within 2000 ms\","
                        + "\"type\":\"timeout_error\",\"param\":null,\"code\":\"upstream_timeout\"}}\n\n")
                .expectNext(EventStream.DONE)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aFailureRightBehindFramesTheWriterHasNotTakenYetComesAfterThem() {
        Flux<String> finishThenFailure = Flux.just(chunk, EventStream.event("{\"finish\":true}"))
                .concatWith(Mono.delay(Duration.ofMillis(100))
                        .then(Mono.error(UpstreamException.malformed("fake/agg", "failed mid-stream: crashed"))));

        // The connection takes one frame at a time, and has not taken the second when the failure comes.
        StepVerifier.create(events.frames(finishThenFailure, RequestScope.detached()), 1)
                .assertNext(frame -> assertThat(frame).contains("\"content\":\"Hi\""))
                .thenAwait(Duration.ofMillis(300))
                .thenRequest(1)
                .assertNext(frame -> assertThat(frame).contains("\"finish\":true"))
                .thenRequest(2)
                .assertNext(frame -> assertThat(frame).startsWith("data: {\"error\":"))
                .expectNext(EventStream.DONE)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aFailureAfterAKeepAliveIsAlsoInBand() {
        UpstreamException failure = UpstreamException.malformed("x/y", "broke");

        StepVerifier.withVirtualTime(() -> events.frames(Flux.<String>error(failure)
                        .delaySubscription(Duration.ofSeconds(15)), RequestScope.detached()))
                .thenAwait(Duration.ofSeconds(15))
                .expectNext(EventStream.KEEP_ALIVE)
                .assertNext(frame -> assertThat(frame).startsWith("data: {\"error\":"))
                .expectNext(EventStream.DONE)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }
}
