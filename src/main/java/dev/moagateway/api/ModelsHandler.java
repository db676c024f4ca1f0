package dev.moagateway.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.moagateway.mixture.Catalog;
import dev.moagateway.openai.Model;
import dev.moagateway.openai.ModelList;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}}: the mixtures, then the {@code provider/model} ids
 * they call, which can also be asked for directly. Chat UIs discover the models here.
 */
public final class ModelsHandler {

    static final String OWNER = "moa-gateway";

    private final List<Model> models;

    public ModelsHandler(Catalog catalog) {
        long created = Instant.now().getEpochSecond();
        List<Model> listed = new ArrayList<>();
        catalog.mixtureIds().forEach(id -> listed.add(Model.of(id, created, OWNER)));
        catalog.calledModels().forEach((id, provider) -> listed.add(Model.of(id, created, provider)));
        this.models = List.copyOf(listed);
    }

    public Mono<ServerResponse> list(ServerRequest request) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(ModelList.of(models));
    }

    public Mono<ServerResponse> get(ServerRequest request) {
        // The id may contain '/', so the route captures the rest of the path, with its leading slash.
        String id = request.pathVariable("id").replaceFirst("^/", "");
        return models.stream()
                .filter(model -> model.id().equals(id))
                .findFirst()
                .map(model -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(model))
                .orElseGet(() -> Mono.error(ApiException.modelNotFound(id)));
    }
}
