package io.bulwark.samples;

import io.bulwark.Audited;
import io.bulwark.Capture;
import io.bulwark.RateLimited;
import java.util.List;

/** An API under a quota of 100 requests a minute per caller; each call is audited (its result is not worth keeping). */
public class CatalogService {

    public record Item(String id, String name) {
    }

    @RateLimited(name = "api", limit = 100, window = "1m", key = "{caller.user}")
    @Audited(action = "catalog.list", resourceType = "catalog", capture = Capture.METADATA)
    public List<Item> items() {
        return List.of(new Item("1", "Shield"), new Item("2", "Rampart"), new Item("3", "Moat"));
    }
}
