package io.bulwark.samples.boot;

import io.bulwark.Audited;
import io.bulwark.RateLimited;
import io.bulwark.Requires2FA;
import java.util.Map;
import java.util.UUID;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Moving money: a second factor verified within 5 minutes in the caller's session ({@code X-Session}, with the code
 * in {@code X-OTP}), at most 20 transfers an hour per caller, every attempt audited. Enroll with
 * {@code java -jar agent/target/bulwark-agent.jar 2fa enroll <user>}.
 */
@RestController
public class TransferController {

    @PostMapping("/api/transfer")
    @Requires2FA(maxAge = "5m")
    @RateLimited(name = "transfers", limit = 20, window = "1h", key = "{caller.user}")
    @Audited(action = "transfer.create", resourceType = "account", resourceId = "{from}")
    public Map<String, Object> transfer(@RequestParam String from, @RequestParam String to,
            @RequestParam long cents) {
        return Map.of("receipt", UUID.randomUUID().toString(), "from", from, "to", to, "cents", cents);
    }
}
