package io.bulwark.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.internal.KeyText;
import io.bulwark.rules.Template.Literal;
import io.bulwark.rules.Template.Ref;
import java.util.List;
import org.junit.jupiter.api.Test;

class TemplateTest {

    @Test
    void emptyTemplateHasNoParts() {
        assertEquals(List.of(), Template.parse(""));
    }

    @Test
    void parsesReferencesLiteralsAndEscapedBraces() {
        assertEquals(List.of(new Ref(List.of("caller", "org")), new Literal(":"),
                new Ref(List.of("request", "user", "id")), new Literal("{x}")),
                Template.parse("{caller.org}:{request.user.id}{{x}}"));
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

    @Test
    void referencesMayEndInModifiersAndAMisspelledOneIsNamed() {
        assertEquals(List.of(new Ref(List.of("email"), List.of("trim", "lower"))),
                Template.parse("{email:trim:lower}"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Template.parse("{email:lowr}"));
        assertEquals("'{email:lowr}' at column 0 names the modifier 'lowr': expected one of lower, upper, trim, nfkc"
                + Suggestions.didYouMean("lowr", KeyText.MODIFIERS), e.getMessage());
    }

    @Test
    void anIpv6CallerCountsByItsNetworkAndIpv4ByItsAddress() {
        assertEquals("2001:db8:1:2::/64", KeyText.callerIp("2001:db8:1:2:3:4:5:6"));
        assertEquals("2001:db8:1:2::/64", KeyText.callerIp("[2001:db8:1:2::9]"));
        assertEquals("192.0.2.1", KeyText.callerIp("::ffff:192.0.2.1"));
        assertEquals("192.0.2.1", KeyText.callerIp("192.0.2.1"));
        assertEquals("not-an-address:x", KeyText.callerIp("not-an-address:x"));
        assertEquals(null, KeyText.callerIp(null));
    }
}
