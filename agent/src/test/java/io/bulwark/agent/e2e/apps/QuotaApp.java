package io.bulwark.agent.e2e.apps;

import io.bulwark.Bulwark;
import io.bulwark.RateLimited;

/** Quotas on every kind of method a proxy-based limiter misses. */
public class QuotaApp {

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

    @RateLimited(name = "final", limit = 2, window = "1m")
    public final String finalMethod() {
        return "final";
    }

    @RateLimited(name = "self", limit = 2, window = "1m")
    void inner() {
    }

    /** Not guarded itself: it calls a guarded method of its own class, which proxies would not see. */
    public void outer() {
        inner();
    }

    public static void main(String[] args) {
        System.out.println("agentActive=" + Bulwark.agentActive());
        System.out.println("java=" + Runtime.version().feature());
        QuotaApp app = new QuotaApp();
        Probe.calls("public", 4, app::publicMethod);
        Probe.calls("private", 3, app::privateMethod);
        Probe.calls("static", 3, QuotaApp::staticMethod);
        Probe.calls("final", 3, app::finalMethod);
        Probe.calls("self", 3, () -> {
            app.outer();
            return null;
        });
    }
}
