package io.bulwark.agent.e2e.apps;

import io.bulwark.Bulwark;
import io.bulwark.RateLimited;
import io.bulwark.RateLimitedException;
import io.bulwark.monitoring.BulwarkListener;
import io.bulwark.monitoring.BulwarkStatus;
import io.bulwark.monitoring.RateLimitDecision;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A flood of refusals on one key, heard by a listener of the application's own (its class loader, not the agent's),
 * and by JFR when the JVM records.
 */
public class MonitoredApp {

    static final String USER = "secret-user-42";

    @RateLimited(name = "jfr-quota", limit = 3, window = "1m", key = "{user}")
    static void call(String user) {
    }

    public static void main(String[] args) throws Exception {
        int flood = Integer.parseInt(args[0]);
        AtomicLong allowed = new AtomicLong();
        AtomicLong denied = new AtomicLong();
        Bulwark.listen(new BulwarkListener() {
            @Override
            public void onRateLimit(RateLimitDecision decision) {
                if (decision.policy().equals("jfr-quota")) {
                    (decision.outcome() == RateLimitDecision.Outcome.ALLOWED ? allowed : denied).incrementAndGet();
                }
            }
        });
        long refused = 0;
        for (int i = 0; i < flood; i++) {
            refused += attempt();
        }
        // Into the throttle's next window, so that a later refusal is recorded carrying the count of those left out at
        // the end of the flood: the recording then adds up exactly. Past its budget the throttle reads the clock every
        // 64th decision, so 64 more find the window over, and fewer than 100 do not exceed the new one.
        Thread.sleep(1_100);
        for (int i = 0; i < 64; i++) {
            refused += attempt();
        }
        System.out.println("refused=" + refused);
        System.out.println("listener.allowed=" + allowed.get());
        System.out.println("listener.denied=" + denied.get());
        System.out.println("counts.allowed=" + Bulwark.rateLimitCounts("jfr-quota").allowed());
        // A recording takes the counts every second: one more period after the last call.
        Thread.sleep(1_100);
        BulwarkStatus status = Bulwark.status();
        System.out.println("status.healthy=" + status.healthy());
        System.out.println("status.stores=" + status.stores());
    }

    private static int attempt() {
        try {
            call(USER);
            return 0;
        } catch (RateLimitedException e) {
            return 1;
        }
    }
}
