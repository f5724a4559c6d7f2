package io.bulwark.runtime.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.Count;
import io.bulwark.LockedOutException;
import io.bulwark.RateLimitedException;
import io.bulwark.StoreFailure;
import io.bulwark.rules.key.Parameter;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.key.ReflectiveTypeModel;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.ratelimit.Mode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: a method whose guards read one argument only is registered with its index, and the woven call then
 * passes that argument alone ({@code Dispatch.enterArgument}); it is admitted, refused and counted exactly as the call
 * with every argument.
 */
class SingleArgumentEntryTest {

    private static final List<Parameter> LOGIN = GuardRegistryTest.LOGIN;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private GuardRegistry registry;

    @BeforeEach
    void setUp() {
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
        registry = GuardRegistryTest.registry(Settings.defaults());
    }

    @AfterEach
    void tearDown() {
        Log.setOutput(System.err);
    }

    private static RateLimitSpec calls(String name, int limit, String key) {
        return new RateLimitSpec(name, limit, "1h", key, Count.CALLS, "", List.of(), false, StoreFailure.LOCAL);
    }

    private static RateLimitSpec lockout(String name, int limit, String key) {
        return new RateLimitSpec(name, limit, "1h", key, Count.FAILURES, "1h", List.of(), false, StoreFailure.LOCAL);
    }

    private Registration register(GuardRegistry r, String method, AuditSpec audit, RateLimitSpec... specs) {
        return r.register(new MethodSpec("com.acme.Auth", method, "(Ljava/lang/String;Ljava/lang/String;)V", LOGIN,
                List.of(specs), List.of(), audit, null), new ReflectiveTypeModel(), getClass().getClassLoader());
    }

    @Test
    void aKeyOfOneArgumentNamesItsIndexAndNothingElseDoes() {
        assertEquals(0, register(registry, "a", null, calls("a", 1, "{email}")).argument());
        assertEquals(1, register(registry, "b", null, calls("b", 1, "user-{password}")).argument());
        assertEquals(-1, register(registry, "c", null, calls("c", 1, "{caller.user}")).argument());
        assertEquals(-1, register(registry, "d", null, calls("d", 1, "{email}:{password}")).argument());
        assertEquals(-1, register(registry, "e", null, calls("e", 1, "")).argument());
        assertEquals(-1, register(registry, "f", null, calls("f1", 1, "{email}"), calls("f2", 1, "{email}"))
                .argument(), "several limits are decided all at once, from the array");
        Registration guarded = registry.register(new MethodSpec("com.acme.Auth", "h", "(Ljava/lang/String;)V",
                LOGIN.subList(0, 1), List.of(calls("h", 1, "{email}")), List.of(), null,
                new TwoFactorSpec("5m")), new ReflectiveTypeModel(), getClass().getClassLoader());
        assertEquals(0, guarded.argument(), "a step-up reads no argument");
    }

    /** Before, a key with modifiers said it read no argument: the woven code passed none, and the key threw. */
    @Test
    void aKeyOfOneArgumentWithModifiersReadsThatArgument() {
        Registration r = register(registry, "login", null, calls("login", 1, "{email:trim:lower}"));
        assertTrue(r.readsArguments());
        assertEquals(0, r.argument());
    }

    @Test
    void theArgumentAloneCountsOnTheSameKeyAsEveryArgument() {
        Registration r = register(registry, "login", null, calls("login", 3, "{email:trim:lower}"));
        assertNull(registry.enter(r.id(), new Object[] {"alice@example.com", "pw"}));
        assertNull(registry.enterArgument(r.id(), " ALICE@example.com"));
        assertNull(registry.enterArgument(r.id(), "Alice@Example.com"));
        assertThrows(RateLimitedException.class, () -> registry.enter(r.id(), new Object[] {"alice@example.com", ""}));
        assertThrows(RateLimitedException.class, () -> registry.enterArgument(r.id(), "alice@example.com"));
        assertNull(registry.enterArgument(r.id(), "bob@example.com"));
        assertNull(registry.enterArgument(r.id(), null), "a null value is a key of its own");
    }

    @Test
    void failuresEnteredWithTheArgumentAloneLockTheKeyOut() {
        Registration r = register(registry, "login", null, lockout("login", 2, "{email}"));
        assertTrue(r.settles());
        for (int i = 0; i < 2; i++) {
            registry.exit(r.id(), registry.enterArgument(r.id(), "alice@example.com"), null, new SecurityException());
        }
        assertThrows(LockedOutException.class, () -> registry.enterArgument(r.id(), "alice@example.com"));
        assertThrows(LockedOutException.class, () -> registry.enter(r.id(), new Object[] {"alice@example.com", "x"}));
    }

    @Test
    void aPolicyInShadowModeAdmitsTheArgumentAloneOverItsLimit() {
        GuardRegistry shadowing = GuardRegistryTest.registry(Settings.defaults().withRateLimitMode(Mode.SHADOW));
        Registration r = register(shadowing, "login", null, calls("login", 1, "{email}"));
        assertNull(shadowing.enterArgument(r.id(), "alice@example.com"));
        Object token = shadowing.enterArgument(r.id(), "alice@example.com");
        assertTrue(token instanceof ShadowAdmission admitted && admitted.token() == null, String.valueOf(token));
        shadowing.exit(r.id(), token, null, null);
    }

    @Test
    void aGuardThatReadsNoSingleArgumentRefusesTheArgumentAlone() {
        Registration r = register(registry, "login", null, calls("login", 5, "{email}:{password}"));
        assertThrows(IllegalStateException.class, () -> registry.enterArgument(r.id(), "alice@example.com"));
    }
}
