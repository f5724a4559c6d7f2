package io.bulwark.rules;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Issue 15: the policy-name rule is stated once, in {@link Message#POLICY_NAME}, and says what
 * {@link RateLimitRules#validName} checks (the Javadoc once said 64 characters without '$', the message 128 without
 * '$', the check 128 with '$').
 */
class PolicyNameRuleTest {

    @Test
    void theMessageStatesTheRuleTheCheckApplies() {
        String message = Message.POLICY_NAME.format("x y");
        assertTrue(message.contains("1 to " + RateLimitRules.MAX_NAME_LENGTH + " "), message);
        for (String punctuation : new String[] {"'.'", "'_'", "'$'", "'-'"}) {
            assertTrue(message.contains(punctuation), message + " names " + punctuation);
            assertTrue(RateLimitRules.validName("a" + punctuation.charAt(1) + "b"), punctuation);
        }
        assertTrue(RateLimitRules.validName("Az09".repeat(32)));
        assertFalse(RateLimitRules.validName("Az09".repeat(32) + "x"), "one past the length the message gives");
        assertFalse(RateLimitRules.validName(""));
        assertFalse(RateLimitRules.validName("a b"));
        assertFalse(RateLimitRules.validName("a/b"));
    }
}
