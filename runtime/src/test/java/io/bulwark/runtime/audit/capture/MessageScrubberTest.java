package io.bulwark.runtime.audit.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class MessageScrubberTest {

    @Test
    void aValueIsCutInWhateverCaseItAppears() {
        assertEquals("login for [redacted] failed: [redacted] != [redacted]", MessageScrubber.scrub(
                "login for Hunter2Hunter2 failed: HUNTER2HUNTER2 != hunter2hunter2", List.of("hunter2Hunter2")));
    }

    @Test
    void aLongValueIsCutBeforeAShortOneInsideIt() {
        assertEquals("bad [redacted]", MessageScrubber.scrub("bad correct-horse", List.of("or", "correct-horse")));
    }

    @Test
    void aShortValueIsCutWhereItIsAWordOfItsOwn() {
        assertEquals("pin [redacted] refused ([redacted])", MessageScrubber.scrub("pin 42 refused (42)",
                List.of("42")));
        assertEquals("code [redacted] for a1", MessageScrubber.scrub("code Ab1 for a1", List.of("ab1")));
    }

    @Test
    void aShortValueInsideAnotherWordCannotBeCutSafelySoTheMessageIsGivenUp() {
        assertNull(MessageScrubber.scrub("order 1425 failed", List.of("42")));
        assertNull(MessageScrubber.scrub("pin 42 refused for order 1425", List.of("42")));
    }

    @Test
    void theMaskItselfIsNoPlaceForAShortValueToHide() {
        assertEquals("[redacted] and [redacted]", MessageScrubber.scrub("secret and act", List.of("secret", "act")));
    }

    @Test
    void noSecretsLeaveTheMessageAsItIs() {
        assertEquals("plain", MessageScrubber.scrub("plain", List.of()));
    }
}
