package io.bulwark.runtime.guard;

import io.bulwark.monitoring.RateLimitCounts;
import io.bulwark.runtime.monitor.PolicyCounts;
import java.util.ArrayList;
import java.util.List;

/**
 * The registered policies' counts, sorted by name, for {@link io.bulwark.Bulwark#rateLimitCounts()}: an array replaced
 * on registration (under the registry's lock) and read without a lock, as a scrape or a JFR period does.
 */
final class CountsByPolicy {

    private volatile PolicyCounts[] sorted = new PolicyCounts[0];

    /** Under the registry's lock; once per policy name. */
    void add(PolicyCounts counts) {
        PolicyCounts[] now = sorted;
        PolicyCounts[] next = new PolicyCounts[now.length + 1];
        int at = -(find(now, counts.policy()) + 1);
        System.arraycopy(now, 0, next, 0, at);
        next[at] = counts;
        System.arraycopy(now, at, next, at + 1, now.length - at);
        sorted = next;
    }

    List<RateLimitCounts> all() {
        PolicyCounts[] now = sorted;
        List<RateLimitCounts> all = new ArrayList<>(now.length);
        for (PolicyCounts counts : now) {
            all.add(counts.read());
        }
        return all;
    }

    RateLimitCounts of(String policy) {
        PolicyCounts[] now = sorted;
        int i = find(now, policy);
        return i < 0 ? null : now[i].read();
    }

    /** {@link java.util.Arrays#binarySearch}'s answer, without a comparator object. */
    private static int find(PolicyCounts[] sorted, String policy) {
        int low = 0;
        int high = sorted.length - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int c = sorted[mid].policy().compareTo(policy);
            if (c < 0) {
                low = mid + 1;
            } else if (c > 0) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -(low + 1);
    }
}
