package io.bulwark.runtime.guard;

import io.bulwark.monitoring.RateLimitDecision;

/**
 * The token of a call admitted only because a policy that refused it is in shadow mode: the policy and why it would
 * have refused (for the call's audit event), around the token of the limits that did admit it (to settle).
 *
 * @param token  what the engine gave for the other limits, or null
 * @param policy the first policy in shadow mode that would have refused the call
 * @param reason why it would have
 */
record ShadowAdmission(Object token, String policy, RateLimitDecision.Reason reason) {
}
