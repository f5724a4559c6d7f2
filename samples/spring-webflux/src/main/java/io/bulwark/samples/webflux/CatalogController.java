package io.bulwark.samples.webflux;

import io.bulwark.Bulwark;
import io.bulwark.Caller;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** {@code GET /api/items} (quota per caller) and {@code GET /whoami} (the caller as Bulwark sees the request). */
@RestController
public class CatalogController {

    private final CatalogService catalog;

    public CatalogController(CatalogService catalog) {
        this.catalog = catalog;
    }

    /** Subscribed on another scheduler on purpose: the guard still finds the caller, in the subscriber's context. */
    @GetMapping("/api/items")
    public Mono<Map<String, List<CatalogService.Item>>> items() {
        return catalog.items().subscribeOn(Schedulers.boundedElastic()).collectList()
                .map(items -> Map.of("items", items));
    }

    @GetMapping("/whoami")
    public Mono<Map<String, String>> whoami() {
        return Mono.deferContextual(context -> {
            // WebFlux: the filter's context; Spring MVC: the servlet filter's binding on the request thread.
            Caller caller = context.getOrDefault(Caller.class, Bulwark.caller());
            return Mono.just(Map.of("user", String.valueOf(caller.user()), "ip", String.valueOf(caller.ip()),
                    "requestId", String.valueOf(caller.requestId())));
        });
    }
}
