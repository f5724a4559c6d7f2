package io.bulwark.runtime.monitor.jfr;

import io.bulwark.internal.Dispatch;
import io.bulwark.monitoring.RateLimitCounts;

/**
 * Writes a {@code bulwark.RateLimitCounts} event per policy when JFR asks (each period of a recording that has it
 * enabled): the counts are read then, so a recording costs admitted calls nothing. A named class rather than a
 * lambda, as everything the agent may load early (architecture.md §4).
 */
final class CountsHook implements Runnable {

    @Override
    public void run() {
        for (RateLimitCounts counts : Dispatch.rateLimitCounts()) {
            RateLimitCountsEvent event = new RateLimitCountsEvent();
            event.policy = counts.policy();
            event.allowed = counts.allowed();
            event.allowedWithoutStore = counts.allowedWithoutStore();
            event.commit();
        }
    }
}
