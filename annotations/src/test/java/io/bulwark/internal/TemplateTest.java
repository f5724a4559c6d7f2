package io.bulwark.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.internal.Template.Literal;
import io.bulwark.internal.Template.Ref;
import java.util.List;
import org.junit.jupiter.api.Test;

class TemplateTest {

    @Test
    void emptyTemplateHasNoParts() {
        assertEquals(List.of(), Template.parse(""));
    }

    @Test
    void parsesReferencesLiteralsAndEscapedBraces() {
        assertEquals(List.of(new Ref(List.of("caller", "org")), new Literal(":"), new Ref(List.of("request", "user", "id")),
                new Literal("{x}")), Template.parse("{caller.org}:{request.user.id}{{x}}"));
    }

    @Test
    void rejectsUnclosedAndStrayBracesWithTheirColumn() {
        assertEquals("'{' at column 2 is never closed",
                assertThrows(IllegalArgumentException.class, () -> Template.parse("a:{email")).getMessage());
        assertEquals("'}' at column 5 closes nothing (write '}}' for a brace)",
                assertThrows(IllegalArgumentException.class, () -> Template.parse("email}")).getMessage());
    }

    @Test
    void rejectsPathsThatAreNotIdentifiers() {
        for (String bad : List.of("{}", "{a..b}", "{a.}", "{1a}", "{a b}", "{a-b}")) {
            assertThrows(IllegalArgumentException.class, () -> Template.parse(bad), bad);
        }
    }

    @Test
    void unknownCallerFieldSuggestsTheClosestOne() {
        String message = assertThrows(IllegalArgumentException.class, () -> Template.parse("{caller.emial}"))
                .getMessage();
        assertTrue(message.endsWith("did you mean 'email'?"), message);
        assertThrows(IllegalArgumentException.class, () -> Template.parse("{caller}"));
        assertThrows(IllegalArgumentException.class, () -> Template.parse("{caller.ip.v4}"));
    }

    @Test
    void refusesTemplatesLongerThanTheCap() {
        assertThrows(IllegalArgumentException.class, () -> Template.parse("x".repeat(Template.MAX_LENGTH + 1)));
    }
}
