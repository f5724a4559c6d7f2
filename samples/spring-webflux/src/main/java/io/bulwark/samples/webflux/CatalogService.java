package io.bulwark.samples.webflux;

import io.bulwark.Audited;
import io.bulwark.Capture;
import io.bulwark.RateLimited;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;

/** The API quota users of the field expect: 100 requests a minute per caller, read from the request's context. */
@Service
public class CatalogService {

    public record Item(String id, String name) {
    }

    @RateLimited(name = "api", limit = 100, window = "1m", key = "{caller.user}")
    @Audited(action = "catalog.list", capture = Capture.NONE)
    public Flux<Item> items() {
        return Flux.just(new Item("1", "Shield"), new Item("2", "Rampart"), new Item("3", "Moat"));
    }
}
