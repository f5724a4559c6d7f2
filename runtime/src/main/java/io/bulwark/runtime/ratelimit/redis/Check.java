package io.bulwark.runtime.ratelimit.redis;

import java.util.List;

/**
 * One call's check (or settlement) as the script reads it: its keys, and its operation, number of limits and six
 * values per limit. Several go into one script run under load.
 */
record Check(List<String> keys, List<String> body) {
}
