package io.bulwark.samples.boot;

import io.bulwark.Audited;
import io.bulwark.Capture;
import io.bulwark.RateLimited;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An API under a quota of 100 requests a minute per caller, audited. Not proxied: Spring MVC calls it directly.
 * {@link RequireUser} turns away anonymous callers before it runs.
 */
@RestController
public class CatalogController {

    public record Item(String id, String name) {
    }

    @GetMapping("/api/items")
    @RateLimited(name = "api", limit = 100, window = "1m", key = "{caller.user}")
    @Audited(action = "catalog.list", resourceType = "catalog", capture = Capture.METADATA)
    public Map<String, List<Item>> items() {
        return Map.of("items", List.of(new Item("1", "Shield"), new Item("2", "Rampart"), new Item("3", "Moat")));
    }
}
