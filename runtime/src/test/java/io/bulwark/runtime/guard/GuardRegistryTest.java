package io.bulwark.runtime.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.Count;
import io.bulwark.GuardUnavailableException;
import io.bulwark.LockedOutException;
import io.bulwark.RateLimitedException;
import io.bulwark.StoreFailure;
import io.bulwark.rules.key.Parameter;
import io.bulwark.runtime.audit.AuditPipeline;
import io.bulwark.runtime.config.ConfigLoader;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.key.ReflectiveTypeModel;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GuardRegistryTest {

    static final List<Parameter> LOGIN = List.of(new Parameter("email", "java.lang.String"),
            new Parameter("password", "java.lang.String"));

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private GuardRegistry registry;

    @BeforeEach
    void setUp() {
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
        registry = registry(Settings.defaults());
    }

    @AfterEach
    void tearDown() {
        Log.setOutput(System.err);
    }

    static GuardRegistry registry(Settings settings) {
        return new GuardRegistry(settings, new InMemoryRateLimiter(new ManualClock(), 1_000, false),
                new AuditPipeline(settings.audit()), Clock.systemUTC());
    }

    private static RateLimitSpec calls(String name, int limit, String window, String key) {
        return new RateLimitSpec(name, limit, window, key, Count.CALLS, "", List.of(), false, StoreFailure.LOCAL);
    }

    private static RateLimitSpec lockout(String name, int limit, String window, String lockout, String key) {
        return new RateLimitSpec(name, limit, window, key, Count.FAILURES, lockout, List.of(), false,
                StoreFailure.LOCAL);
    }

    private Registration register(GuardRegistry r, String method, RateLimitSpec... specs) {
        return r.register(new MethodSpec("com.acme.Auth", method, "(Ljava/lang/String;Ljava/lang/String;)V", LOGIN,
                List.of(specs)), new ReflectiveTypeModel(), getClass().getClassLoader());
    }

    private String logged() {
        return log.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aValidDeclarationGuardsCallsThroughItsId() {
        Registration r = register(registry, "login", lockout("login", 2, "5m", "15m", "{email}"));
        assertTrue(r.readsArguments());
        assertTrue(r.settles());
        Object[] args = {"alice@example.com", "pw"};
        for (int i = 0; i < 2; i++) {
            registry.exit(r.id(), registry.enter(r.id(), args), null, new SecurityException());
        }
        assertThrows(LockedOutException.class, () -> registry.enter(r.id(), args));
        registry.exit(r.id(), registry.enter(r.id(), new Object[] {"bob@example.com", "pw"}), null, null);
    }

    /** Issue 16: case variants of one email share a lockout, and a reset names it in any case. */
    @Test
    void aNormalizedKeySharesOneLockoutAcrossCaseVariantsAndResetsByAnySpelling() {
        Registration r = register(registry, "login", lockout("login", 2, "5m", "15m", "{email:trim:lower}"));
        registry.exit(r.id(), registry.enter(r.id(), new Object[] {"Alice@Example.com", "pw"}), null,
                new SecurityException());
        registry.exit(r.id(), registry.enter(r.id(), new Object[] {" alice@EXAMPLE.COM", "pw"}), null,
                new SecurityException());
        assertThrows(LockedOutException.class, () -> registry.enter(r.id(), new Object[] {"ALICE@example.com", "x"}));
        assertTrue(registry.reset("login", io.bulwark.internal.KeyFraming.frame("ALICE@Example.Com")));
        registry.exit(r.id(), registry.enter(r.id(), new Object[] {"alice@example.com", "pw"}), null, null);
    }

    @Test
    void aQuotaOnTheCallerNeedsNeitherArgumentsNorSettling() {
        Registration r = register(registry, "api", calls("api", 1, "1m", "{caller.user}"));
        assertFalse(r.readsArguments());
        assertFalse(r.settles());
        registry.enter(r.id(), null);
        assertThrows(RateLimitedException.class, () -> registry.enter(r.id(), null));
    }

    @Test
    void anInvalidDeclarationIsLoggedAndEveryCallRefused() {
        Registration r = register(registry, "login", calls("login", 0, "5m", "{email}"));
        assertFalse(r.readsArguments());
        GuardUnavailableException e = assertThrows(GuardUnavailableException.class,
                () -> registry.enter(r.id(), null));
        assertEquals("guard 'com.acme.Auth.login(String, String)' refused the call: its guard declaration is invalid "
                + "(the Bulwark log says why)", e.getMessage());
        assertTrue(logged().contains("ERROR @RateLimited on com.acme.Auth.login(String, String): limit = 0: expected "
                + "at least 1. Every call to it is refused until this is fixed."), logged());
    }

    @Test
    void declarationsThatCannotMeanWhatTheySayAreRefused() {
        for (RateLimitSpec bad : List.of(
                calls("login", 5, "5x", ""),
                calls("login", 5, "0", ""),
                calls("bad name!", 5, "5m", ""),
                calls("login", 5, "5m", "{emial}"),
                new RateLimitSpec("login", 5, "5m", "", Count.CALLS, "15m", List.of(), false, StoreFailure.LOCAL),
                new RateLimitSpec("login", 5, "5m", "", Count.CALLS, "", List.of("java.lang.Exception"), false,
                        StoreFailure.LOCAL),
                new RateLimitSpec("login", 5, "5m", "", Count.CALLS, "", List.of(), true, StoreFailure.LOCAL),
                lockout("login", 5_000, "5m", "", ""),
                calls("login", 2_000_000, "1s", ""))) {
            GuardRegistry fresh = registry(Settings.defaults());
            Registration r = register(fresh, "login", bad);
            assertThrows(GuardUnavailableException.class, () -> fresh.enter(r.id(), new Object[] {"a", "b"}),
                    bad.toString());
        }
    }

    @Test
    void twoLimitsWithTheSameNameOnOneMethodAreRefused() {
        Registration r = register(registry, "login", calls("x", 5, "5m", ""), calls("x", 6, "5m", ""));
        assertThrows(GuardUnavailableException.class, () -> registry.enter(r.id(), null));
        assertTrue(logged().contains("policy 'x' is declared twice on the method"), logged());
    }

    @Test
    void methodsSharingAPolicyNameShareItsCounters() {
        Registration a = register(registry, "a", calls("shared", 2, "1h", ""));
        Registration b = register(registry, "b", calls("shared", 2, "1h", ""));
        registry.enter(a.id(), null);
        registry.enter(b.id(), null);
        assertThrows(RateLimitedException.class, () -> registry.enter(a.id(), null));
    }

    @Test
    void aSharedNameDeclaredDifferentlyIsRefused() {
        register(registry, "a", calls("shared", 2, "1h", ""));
        Registration b = register(registry, "b", calls("shared", 3, "1h", ""));
        assertThrows(GuardUnavailableException.class, () -> registry.enter(b.id(), null));
        assertTrue(logged().contains(
                "policy 'shared' is already declared differently by com.acme.Auth.a(String, String)"),
                logged());
    }

    @Test
    void anUnnamedPolicyIsNamedAfterItsMethod() {
        Registration r = register(registry, "search", calls("", 1, "1m", ""));
        registry.enter(r.id(), null);
        RateLimitedException e = assertThrows(RateLimitedException.class, () -> registry.enter(r.id(), null));
        assertEquals("com.acme.Auth.search", e.policy());
    }

    @Test
    void configurationOverridesALimitWithoutRecompiling() {
        Properties p = new Properties();
        p.setProperty("bulwark.ratelimit.api.limit", "3");
        GuardRegistry r = registry(ConfigLoader.load(null, p, Map.of()));
        Registration api = register(r, "api", calls("api", 1, "1h", ""));
        for (int i = 0; i < 3; i++) {
            r.enter(api.id(), null);
        }
        RateLimitedException e = assertThrows(RateLimitedException.class, () -> r.enter(api.id(), null));
        assertEquals(3, e.limit());
        assertTrue(logged().contains("policy 'api' is 3 per 1h by configuration (bulwark.ratelimit.api.limit (system "
                + "property))"), logged());
    }

    @Test
    void aLockoutOverrideOnAQuotaIsRefused() {
        Properties p = new Properties();
        p.setProperty("bulwark.ratelimit.api.lockout", "1h");
        GuardRegistry r = registry(ConfigLoader.load(null, p, Map.of()));
        Registration api = register(r, "api", calls("api", 1, "1h", ""));
        assertThrows(GuardUnavailableException.class, () -> r.enter(api.id(), null));
    }

    @Test
    void exitNeverThrowsIntoTheApplication() {
        Registration r = register(registry, "login", lockout("login", 2, "5m", "15m", "{email}"));
        registry.exit(r.id(), "not a token this engine made", null, new RuntimeException());
        registry.exit(r.id(), null, null, null);
    }
}
