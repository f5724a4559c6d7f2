package io.bulwark.runtime;

import io.bulwark.runtime.audit.AuditPipeline;
import io.bulwark.runtime.config.ConfigWatch;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.guard.GuardRegistry;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.MicroClock;
import io.bulwark.runtime.ratelimit.RateLimiter;
import io.bulwark.runtime.ratelimit.redis.RedisRateLimiter;
import io.bulwark.runtime.twofactor.stepup.TwoFactorSetup;
import java.time.Clock;

/**
 * The engines for one JVM, chosen from the settings. Creating it opens no connection and starts no thread:
 * that happens on first use or in {@link #connectInBackground}, never inside the agent's premain.
 */
public final class BulwarkRuntime {

    private final RateLimiter rateLimiter;
    private final AuditPipeline audit;
    private final Settings settings;
    private final GuardRegistry guards;
    /** The agent argument whose {@code config=FILE} is watched, or null. */
    private volatile String watched;

    private BulwarkRuntime(Settings settings, RateLimiter rateLimiter) {
        this.rateLimiter = rateLimiter;
        this.audit = new AuditPipeline(settings.audit());
        this.settings = settings;
        // The two-factor engine is made by the registry when first needed, not here in premain.
        this.guards = new GuardRegistry(settings, rateLimiter, audit, Clock.systemUTC());
    }

    public static BulwarkRuntime create(Settings settings) {
        Log.setLevel(settings.logLevel());
        // {caller.ip} keys of IPv6 clients by their network: fixed here, before any key is rendered.
        io.bulwark.internal.KeyText.configure(settings.ipv6Prefix());
        InMemoryRateLimiter memory = new InMemoryRateLimiter(MicroClock.monotonic(), settings.maxKeys(),
                settings.maxMemory() > 0 ? settings.maxMemory() : InMemoryRateLimiter.defaultMaxMemory(), true);
        RateLimiter limiter = settings.redis() == null ? memory : new RedisRateLimiter(settings.redis(), memory);
        return new BulwarkRuntime(settings, limiter);
    }

    /**
     * Has the configuration file of {@code agentArgument} ({@code config=FILE}) watched for rate-limit changes from
     * {@link #connectInBackground}'s thread: nothing of the watch is loaded in premain.
     */
    public void watchConfig(String agentArgument) {
        this.watched = agentArgument;
    }

    /**
     * Opens the engines' connections on a daemon thread of its own, so that neither premain nor the first guarded
     * call pays for them; first starts the watch of the configuration file, if asked ({@link #watchConfig}).
     */
    public void connectInBackground() {
        // A class, not a method reference: this runs in premain (see MicroClock.monotonic()).
        Thread connect = new Thread(new Runnable() {
            @Override
            public void run() {
                startWatch();
                rateLimiter.warmUp();
            }
        }, "bulwark-connect");
        connect.setDaemon(true);
        connect.start();
    }

    private void startWatch() {
        String argument = watched;
        if (argument != null) {
            ConfigWatch watch = ConfigWatch.of(argument, System.getProperties(), System.getenv(), guards);
            if (watch != null) {
                watch.start();
            }
        }
    }

    public GuardRegistry guards() {
        return guards;
    }

    public AuditPipeline audit() {
        return audit;
    }

    /** {@code rate limits in memory (this JVM only); audit events to ...}: the engines in use, for the startup line. */
    public String describe() {
        return "rate limits " + rateLimiter.describe() + "; " + audit.describe() + "; "
                + TwoFactorSetup.describe(settings);
    }
}
