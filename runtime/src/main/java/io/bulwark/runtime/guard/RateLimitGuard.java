package io.bulwark.runtime.guard;

import io.bulwark.Count;
import io.bulwark.runtime.key.KeyExtractor;
import io.bulwark.runtime.ratelimit.RateLimiter;

/** A method's {@code @RateLimited} policies: keys rendered, then all limits admitted at once or none. */
final class RateLimitGuard implements MethodGuard {

    private final RateLimiter limiter;
    private final RateLimiter.Limit[] limits;
    private final KeyExtractor[] keys;
    private final boolean readsArguments;
    private final boolean settles;

    RateLimitGuard(RateLimiter limiter, RateLimiter.Limit[] limits, KeyExtractor[] keys) {
        this.limiter = limiter;
        this.limits = limits;
        this.keys = keys;
        boolean reads = false;
        boolean failures = false;
        for (int i = 0; i < limits.length; i++) {
            reads |= keys[i].readsArguments();
            failures |= limits[i].policy().count() == Count.FAILURES;
        }
        this.readsArguments = reads;
        this.settles = failures;
    }

    @Override
    public Object enter(Object[] args) {
        if (keys.length == 1) {
            return limiter.acquire(limits[0], keys[0], args);
        }
        String[] rendered = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            rendered[i] = keys[i].extract(args);
        }
        return limiter.acquire(limits, rendered);
    }

    @Override
    public void exit(Object token, Object result, Throwable thrown) {
        if (token != null) {
            limiter.settle(token, thrown);
        }
    }

    @Override
    public boolean readsArguments() {
        return readsArguments;
    }

    @Override
    public boolean settles() {
        return settles;
    }
}
