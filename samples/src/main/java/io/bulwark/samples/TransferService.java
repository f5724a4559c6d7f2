package io.bulwark.samples;

import io.bulwark.Audited;
import io.bulwark.RateLimited;
import io.bulwark.Requires2FA;
import java.util.UUID;

/**
 * Moving money: a second factor verified within 5 minutes (architecture.md §5), at most 20 transfers an hour per
 * caller, and every attempt audited, a refused one as {@code denied}.
 */
public class TransferService {

    public record Receipt(String id, String from, String to, long cents) {
    }

    @Requires2FA(maxAge = "5m")
    @RateLimited(name = "transfers", limit = 20, window = "1h", key = "{caller.user}")
    @Audited(action = "transfer.create", resourceType = "account", resourceId = "{from}")
    public Receipt transfer(String from, String to, long cents) {
        return new Receipt(UUID.randomUUID().toString(), from, to, cents);
    }
}
