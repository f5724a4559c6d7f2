package io.bulwark.agent.e2e.apps;

import io.bulwark.Audited;
import io.bulwark.Count;
import io.bulwark.RateLimited;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * Guards that need an outcome on results Bulwark cannot follow, compiled without the processor (which rejects them):
 * the agent must refuse the methods rather than count them as if they returned at once.
 */
public class UnfollowableApp {

    @RateLimited(name = "future", limit = 3, window = "5m", key = "{email}", count = Count.FAILURES, lockout = "15m")
    public Future<String> login(String email) {
        return CompletableFuture.failedFuture(new SecurityException("wrong password"));
    }

    @Audited(action = "kotlin.login")
    public Object suspendLogin(String email, kotlin.coroutines.Continuation<? super String> continuation) {
        return "session";
    }

    /** A quota alone needs no outcome: checked at the call, as for any method. */
    @RateLimited(name = "future-quota", limit = 1, window = "1h")
    public Future<String> quota() {
        return CompletableFuture.completedFuture("ok");
    }

    public static void main(String[] args) {
        UnfollowableApp app = new UnfollowableApp();
        Probe.calls("future", 1, () -> app.login("a@example.com"));
        Probe.calls("suspend", 1, () -> app.suspendLogin("a@example.com", null));
        Probe.calls("quota", 2, app::quota);
    }
}
