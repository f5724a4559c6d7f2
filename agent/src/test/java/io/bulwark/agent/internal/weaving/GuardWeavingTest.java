package io.bulwark.agent.internal.weaving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.RateLimitedException;
import io.bulwark.internal.Dispatch;
import io.bulwark.runtime.guard.Registration;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The woven code itself, on a fixture of awkward method shapes: the class still verifies (it is defined by a
 * class loader of its own, so the JVM's verifier checks every frame), every method still does what it did, and
 * the dispatch bridge sees each call once, with its arguments, its result or what it threw.
 */
class GuardWeavingTest {

    /** What the bridge saw, in order: {@code enter 3 [1, 2]}, {@code exit 3 result=...}. */
    private static final List<String> CALLS = new ArrayList<>();
    private static final CallRecorder RECORDER = new CallRecorder(CALLS);

    /** The recorder {@link AsyncWeavingTest} shares: {@link Dispatch#install} succeeds once per JVM. */
    static CallRecorder recorder() {
        return RECORDER;
    }

    static List<String> calls() {
        return CALLS;
    }

    @BeforeAll
    static void installRecorder() {
        assertTrue(Dispatch.install(RECORDER) || Dispatch.installed());
    }

    @BeforeEach
    void clear() {
        CALLS.clear();
        RECORDER.refuseWith(null);
    }

    /** The fixture woven with one registration for all its methods, defined by a loader of its own. */
    private static Class<?> woven(boolean readsArguments, boolean settles, boolean needsResult) throws Exception {
        return woven(readsArguments, settles, needsResult, Map.of());
    }

    /** As above, each method named in {@code argument} registered as reading that argument alone. */
    private static Class<?> woven(boolean readsArguments, boolean settles, boolean needsResult,
            Map<String, Integer> argument) throws Exception {
        byte[] bytes;
        try (InputStream in = WeavingFixture.class.getResourceAsStream("WeavingFixture.class")) {
            bytes = in.readAllBytes();
        }
        ClassFile file = ClassFile.read(WeavingFixture.class.getName(), bytes, true);
        Map<String, GuardWeaving.Plan> plans = new HashMap<>();
        int id = 40;
        for (ClassFile.MethodInfo m : file.methods.values()) {
            if (!m.name.startsWith("<")) {
                plans.put(m.key(), new GuardWeaving.Plan(new Registration(id++, readsArguments, settles, needsResult,
                        argument.getOrDefault(m.name, -1)), m.maxLocals));
            }
        }
        byte[] result = GuardWeaving.weave(bytes, plans);
        return new ClassLoader(GuardWeavingTest.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(WeavingFixture.class.getName(), result, 0, result.length);
            }
        }.define();
    }

    private static Object call(Class<?> type, Object target, String name, Object... args) throws Throwable {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name)) {
                try {
                    return m.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        }
        throw new AssertionError("no method " + name);
    }

    @Test
    void everyShapeStillWorksAndIsSeenOnceWithArgumentsAndResult() throws Throwable {
        Class<?> type = woven(true, true, true);
        assertEquals(WeavingFixture.mix(1L, 2, 3.5, true, 'a', (byte) 4, (short) 5, 6.5f),
                call(type, null, "mix", 1L, 2, 3.5, true, 'a', (byte) 4, (short) 5, 6.5f));
        assertEnterExit("[1, 2, 3.5, true, a, 4, 5, 6.5]", "Long:" + WeavingFixture.mix(1L, 2, 3.5, true, 'a',
                (byte) 4, (short) 5, 6.5f), "null");

        Object fixture = type.getConstructor(String.class).newInstance("p-");
        assertEquals("p-x", call(type, fixture, "pick", true, "x", "y"));
        assertEnterExit("[true, x, y]", "String:p-x", "null");
        assertEquals("p-y", call(type, fixture, "pick", false, "x", "y"));
        assertEnterExit("[false, x, y]", "String:p-y", "null");

        assertEquals(0, call(type, null, "countdown", 7));
        assertEnterExit("[7]", "Integer:0", "null");

        assertEquals(6L, call(type, null, "sum", new int[] {1, 2, 3}, 1.0));
        assertEnterExit("[[1, 2, 3], 1.0]", "Long:6", "null");

        IOException failed = assertThrows(IOException.class, () -> call(type, null, "fails", "boom"));
        assertEquals("boom", failed.getMessage());
        assertEnterExit("[boom]", "null", "IOException:boom");

        int before = staticInt(type, "finallies");
        assertEquals(5, call(type, null, "guarded", 5));
        assertEnterExit("[5]", "Integer:5", "null");
        assertEquals(-1, call(type, null, "guarded", -5));
        assertEnterExit("[-5]", "Integer:-1", "null");
        assertEquals(before + 2, staticInt(type, "finallies"), "the method's own finally ran each time");

        assertNull(call(type, null, "nothing"));
        assertEnterExit("[]", "null", "null");

        assertEquals(5.0, call(type, fixture, "twice", 2.5));
        assertEnterExit("[2.5]", "Double:5.0", "null");

        assertThrows(StringIndexOutOfBoundsException.class, () -> call(type, null, "nested", "abc"));
        assertEquals(2, CALLS.size(), CALLS.toString());
        assertTrue(CALLS.get(1).contains("thrown=StringIndexOutOfBoundsException"), CALLS.toString());
    }

    @Test
    void withoutResultOrArgumentsTheBridgeGetsNulls() throws Throwable {
        Class<?> type = woven(false, true, false);
        assertEquals("p-x", call(type, type.getConstructor(String.class).newInstance("p-"), "pick", true, "x", "y"));
        assertEnterExit("null", "null", "null");
    }

    @Test
    void withNothingToSettleOnlyTheEntryIsWoven() throws Throwable {
        Class<?> type = woven(true, false, false);
        assertEquals(6L, call(type, null, "sum", new int[] {1, 2, 3}, 1.0));
        assertThrows(IOException.class, () -> call(type, null, "fails", "boom"));
        assertEquals(2, CALLS.size(), "one entry a call, no exit: " + CALLS);
        assertTrue(CALLS.get(0).matches("enter \\d+ \\[\\[1, 2, 3], 1.0]"), CALLS.toString());
        assertTrue(CALLS.get(1).matches("enter \\d+ \\[boom]"), CALLS.toString());
    }

    @Test
    void aRefusalStopsTheCallBeforeItsCodeRunsAndNothingIsSettled() throws Throwable {
        Class<?> type = woven(true, true, true);
        RateLimitedException refusal = new RateLimitedException("test", 1, 0, Duration.ofMinutes(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1));
        RECORDER.refuseWith(refusal);
        int before = staticInt(type, "finallies");
        RateLimitedException thrown = assertThrows(RateLimitedException.class, () -> call(type, null, "guarded", 5));
        assertSame(refusal, thrown);
        assertEquals(before, staticInt(type, "finallies"), "the body did not run");
        assertEquals(1, CALLS.size(), "no exit for a call that never started: " + CALLS);
    }

    /** Issue 16: a key of one argument gets that argument alone, from its slot, boxed: no array of them all. */
    @Test
    void theOneArgumentTheGuardsReadIsPassedAloneFromItsSlot() throws Throwable {
        Class<?> type = woven(true, true, false, Map.of("mix", 2, "pick", 1, "countdown", 0, "fails", 0));
        assertEquals(WeavingFixture.mix(1L, 2, 3.5, true, 'a', (byte) 4, (short) 5, 6.5f),
                call(type, null, "mix", 1L, 2, 3.5, true, 'a', (byte) 4, (short) 5, 6.5f));
        assertEnterArgumentExit("Double:3.5", "null");
        Object fixture = type.getConstructor(String.class).newInstance("p-");
        assertEquals("p-y", call(type, fixture, "pick", false, "x", "y"));
        assertEnterArgumentExit("String:x", "null");
        assertEquals(0, call(type, null, "countdown", 7));
        assertEnterArgumentExit("Integer:7", "null");
        assertThrows(IOException.class, () -> call(type, null, "fails", "boom"));
        assertEnterArgumentExit("String:boom", "IOException:boom");
        assertEquals(6L, call(type, null, "sum", new int[] {1, 2, 3}, 1.0));
        assertEnterExit("[[1, 2, 3], 1.0]", "null", "null");
    }

    @Test
    void aRefusalOfTheOneArgumentEntryStopsTheCallBeforeItsCodeRuns() throws Throwable {
        Class<?> type = woven(true, true, false, Map.of("guarded", 0));
        RateLimitedException refusal = new RateLimitedException("test", 1, 0, Duration.ofMinutes(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1));
        RECORDER.refuseWith(refusal);
        int before = staticInt(type, "finallies");
        assertSame(refusal, assertThrows(RateLimitedException.class, () -> call(type, null, "guarded", 5)));
        assertEquals(before, staticInt(type, "finallies"), "the body did not run");
        assertEquals(List.of(CALLS.get(0)), CALLS, "no exit for a call that never started");
        assertTrue(CALLS.get(0).matches("enterArgument \\d+ Integer:5"), CALLS.toString());
    }

    @Test
    void theSameBytesAreWovenEveryTime() throws Exception {
        byte[] bytes;
        try (InputStream in = WeavingFixture.class.getResourceAsStream("WeavingFixture.class")) {
            bytes = in.readAllBytes();
        }
        ClassFile file = ClassFile.read(WeavingFixture.class.getName(), bytes, true);
        ClassFile.MethodInfo sum = file.methods.get("sum([ID)J");
        Map<String, GuardWeaving.Plan> plans = Map.of(sum.key(),
                new GuardWeaving.Plan(new Registration(1, true, true, true), sum.maxLocals));
        assertArrayEquals(GuardWeaving.weave(bytes, plans), GuardWeaving.weave(bytes, plans));
    }

    private static int staticInt(Class<?> type, String field) throws Exception {
        return type.getField(field).getInt(null);
    }

    /** As {@link #assertEnterExit}, for a call that entered with its one argument. */
    private static void assertEnterArgumentExit(String argument, String thrown) {
        assertEquals(2, CALLS.size(), CALLS.toString());
        String id = CALLS.get(0).split(" ")[1];
        assertEquals("enterArgument " + id + " " + argument, CALLS.get(0));
        assertEquals("exit " + id + " token" + id + " result=null thrown=" + thrown, CALLS.get(1));
        CALLS.clear();
    }

    /** The two calls the bridge saw for one call, then forgets them. */
    private static void assertEnterExit(String args, String result, String thrown) {
        assertEquals(2, CALLS.size(), CALLS.toString());
        String enter = CALLS.get(0);
        String id = enter.split(" ")[1];
        assertEquals("enter " + id + " " + args, enter);
        assertEquals("exit " + id + " token" + id + " result=" + result + " thrown=" + thrown, CALLS.get(1));
        CALLS.clear();
    }
}
