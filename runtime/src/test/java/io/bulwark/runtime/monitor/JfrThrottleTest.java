package io.bulwark.runtime.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JfrThrottleTest {

    @Test
    void aFloodIsCutToTheBudgetAndTheNextWindowCarriesWhatWasLeftOut() throws Exception {
        JfrThrottle throttle = new JfrThrottle();
        int recorded = 0;
        long carried = 0;
        for (int i = 0; i < 10_000; i++) {
            long r = throttle.admit(false);
            if (r >= 0) {
                recorded++;
                carried += r;
            }
        }
        assertTrue(recorded <= 2 * JfrThrottle.PER_SECOND, recorded + " recorded");
        Thread.sleep(1_050);
        for (int i = 0; i < 64; i++) {
            long r = throttle.admit(false);
            if (r >= 0) {
                recorded++;
                carried += r;
            }
        }
        assertEquals(10_064, recorded + carried, "each decision is recorded or counted in a later one recorded");
    }

    @Test
    void admissionsAndRefusalsHaveBudgetsOfTheirOwn() {
        JfrThrottle throttle = new JfrThrottle();
        for (int i = 0; i < JfrThrottle.PER_SECOND; i++) {
            assertEquals(0, throttle.admit(false));
        }
        assertEquals(0, throttle.admit(true), "a refusal flood leaves the admissions' budget alone");
    }
}
