package io.bulwark.web.spring;

import io.bulwark.Bulwark;
import io.bulwark.monitoring.BulwarkStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The {@code bulwark} health contributor: UP while the agent runs and every store it uses answers (Redis's circuit
 * breaker closed, PostgreSQL reachable, the audit journal writable with room in its hand-off); DOWN otherwise, and
 * DOWN when the agent is not running at all (then no method is guarded). Details: each store's state, the audit
 * backlog, the journal's free disk space.
 *
 * <p>A Redis found down is asked again by the check itself (at most once per back-off), so the contributor turns UP
 * again even while the service, taken out of rotation, gets no calls. Spring Boot's readiness group does not include
 * it unless configured ({@code management.endpoint.health.group.readiness.include=readinessState,bulwark}): while
 * Redis is down, quotas still work per instance by default ({@code onStoreFailure = LOCAL}), so whether that should
 * take an instance out of rotation is the application's call.
 */
public class BulwarkHealthIndicator implements HealthIndicator {

    @Override
    public Health health() {
        BulwarkStatus status = Bulwark.status();
        if (!status.agentActive()) {
            return Health.down().withDetail("agent", "not running: no method is guarded (start the JVM with "
                    + "-javaagent:bulwark-agent.jar)").build();
        }
        Health.Builder health = status.healthy() ? Health.up() : Health.down();
        for (BulwarkStatus.StoreStatus store : status.stores()) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("available", store.available());
            detail.put("state", store.detail());
            health.withDetail(store.store().tag(), detail);
        }
        health.withDetail("auditBacklog", status.auditBacklog());
        if (status.journalUsableBytes() >= 0) {
            health.withDetail("journalUsableBytes", status.journalUsableBytes());
        }
        return health.build();
    }
}
