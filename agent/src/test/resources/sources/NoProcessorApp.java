package noproc;

import io.bulwark.Audited;
import io.bulwark.RateLimited;
import io.bulwark.Requires2FA;
import io.bulwark.agent.e2e.apps.Probe;

/**
 * Guards on every kind of method, compiled WITHOUT Bulwark's processor (no index entry): what an application gets
 * when its build never ran the processor. Each label's calls are printed by {@link Probe}.
 */
public class NoProcessorApp {

    private static long balance = 1_000;

    @RateLimited(name = "public", limit = 3, window = "1m")
    public String publicMethod() {
        return "public";
    }

    @RateLimited(name = "private", limit = 2, window = "1m")
    private String privateMethod() {
        return "private";
    }

    @RateLimited(name = "static", limit = 2, window = "1m")
    static String staticMethod() {
        return "static";
    }

    @RateLimited(name = "self", limit = 2, window = "1m")
    void inner() {
    }

    /** Not guarded itself: it calls a guarded method of its own class, which proxies would not see. */
    public void outer() {
        inner();
    }

    @Requires2FA
    @Audited(action = "transfer.create")
    static void transfer(long cents) {
        balance -= cents;
    }

    public static void main(String[] args) {
        NoProcessorApp app = new NoProcessorApp();
        Probe.calls("public", 4, app::publicMethod);
        Probe.calls("private", 3, app::privateMethod);
        Probe.calls("static", 3, NoProcessorApp::staticMethod);
        Probe.calls("self", 3, () -> {
            app.outer();
            return null;
        });
        // No caller bound and no code: a step-up must refuse, and the balance stay as it was.
        Probe.calls("transfer", 1, () -> {
            transfer(500);
            return null;
        });
        System.out.println("balance=" + balance);
        // A second class of the application, compiled the same way and also unguarded by the index.
        Probe.calls("other", 2, Other::call);
    }
}
