package io.bulwark.agent.internal.weaving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.internal.Dispatch;
import io.bulwark.internal.GuardRuntime;
import io.bulwark.runtime.guard.Registration;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The woven code on method shapes {@link GuardWeavingTest} does not cover: a Java 5 class (no stack map frames, a
 * {@code jsr}/{@code ret} finally), a Java 6 class without frames, an interface's default and static methods, more
 * than 255 local slots, parameter slots reused for values of other types, switches, returns from nested finally
 * blocks, methods that only throw, a return inside the method's own protected range, constructors left unwoven;
 * and the parameter names {@link ClassFile} reads from classes compiled with and without {@code -g} and
 * {@code -parameters}.
 *
 * <p>Each class is woven, defined by a class loader of its own (so the JVM's verifier checks it) and run beside the
 * same bytes unwoven, in another loader: every call must return or throw the same, leave the same static state, and
 * be seen by the dispatch bridge once on entry and (when the guard settles) once on exit, with its arguments, its
 * result or what it threw.
 *
 * <p>How the bridge's calls are recorded whatever else runs in this JVM: {@link Dispatch#install} succeeds once
 * per JVM, and surefire runs this class and {@link GuardWeavingTest} in the same one, in either order, each wanting
 * its own recorder. So the woven classes here do not link to the JVM's {@link Dispatch} at all: their loaders sit
 * under {@link DispatchScope}, which defines a copy of {@code io.bulwark.internal.Dispatch} from the same class file
 * (its {@code GuardRuntime} interface still comes from the test's class loader), and this test installs its
 * recorder in that copy. The woven code is unchanged (it calls {@code io/bulwark/internal/Dispatch} by name), the
 * JVM-wide {@code Dispatch} stays free for {@link GuardWeavingTest}, and the assertions hold in either order.
 */
class GuardWeavingShapesTest {

    private static final String DISPATCH = "io.bulwark.internal.Dispatch";

    /** What the bridge copy saw, in order: {@code enter 3 [1, 2]}, {@code exit 3 token3 result=... thrown=...}. */
    private static final List<String> CALLS = new ArrayList<>();
    private static final AtomicInteger IDS = new AtomicInteger(1000);
    private static DispatchScope scope;

    @TempDir
    Path temp;

    /** How a method is registered: what the woven code passes, and whether it calls back. */
    record Mode(boolean readsArguments, boolean settles, boolean needsResult) {
        @Override
        public String toString() {
            return (readsArguments ? "args" : "no args") + ", " + (settles ? needsResult ? "exit with result"
                    : "exit without result" : "no exit");
        }
    }

    static Stream<Mode> modes() {
        return Stream.of(new Mode(true, true, true), new Mode(false, true, false), new Mode(true, true, false),
                new Mode(true, false, false));
    }

    private static final Mode FULL = new Mode(true, true, true);

    /** Defines a copy of the dispatch bridge of its own; everything else comes from the test's class loader. */
    private static final class DispatchScope extends ClassLoader {
        /** The bridge and its nested classes (its state lives in nested records), by name. */
        private final Map<String, byte[]> dispatch = new HashMap<>();

        DispatchScope(ClassLoader parent) throws IOException {
            super(parent);
            dispatch.put(DISPATCH, resource(Dispatch.class));
            for (Class<?> nested : Dispatch.class.getDeclaredClasses()) {
                dispatch.put(nested.getName(), resource(nested));
            }
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            byte[] bytes = dispatch.get(name);
            if (bytes == null) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> type = findLoadedClass(name);
                return type != null ? type : defineClass(name, bytes, 0, bytes.length);
            }
        }
    }

    /** Defines the classes it is given (woven or not), child first; the rest from the scope. */
    private static final class Isolated extends ClassLoader {
        private final Map<String, byte[]> classes;

        Isolated(Map<String, byte[]> classes) {
            super(scope);
            this.classes = classes;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            byte[] bytes = classes.get(name);
            if (bytes == null) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> type = findLoadedClass(name);
                return type != null ? type : defineClass(name, bytes, 0, bytes.length);
            }
        }
    }

    @BeforeAll
    static void installRecorderInACopyOfTheBridge() throws Exception {
        scope = new DispatchScope(GuardWeavingShapesTest.class.getClassLoader());
        Class<?> copy = scope.loadClass(DISPATCH);
        assertNotSame(Dispatch.class, copy);
        assertEquals(true, copy.getMethod("install", GuardRuntime.class).invoke(null, new CallRecorder(CALLS)));
    }

    @BeforeEach
    void clear() {
        synchronized (CALLS) {
            CALLS.clear();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The shapes

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void switchesNestedFinallyRetryAndMethodsThatOnlyThrow(Mode mode) throws Throwable {
        Pair pair = pair(classes(ShapesFixture.class), ShapesFixture.class.getName(), mode);
        for (int day = 0; day <= 7; day++) {
            pair.call(null, "dense", new Class<?>[] {int.class}, day);
        }
        assertEquals("late15", pair.original(null, "dense", new Class<?>[] {int.class}, 5));
        for (int code : new int[] {-1000, 0, 77777, 5, Integer.MIN_VALUE}) {
            pair.call(null, "sparse", new Class<?>[] {int.class}, code);
        }
        assertEquals(14L, pair.original(null, "sparse", new Class<?>[] {int.class}, 77777));
        for (String word : new String[] {"one", "two", "", "abc", "Aa", "BB"}) {
            pair.call(null, "strings", new Class<?>[] {String.class}, word);
        }

        String[] traces = {"abfo", "abfco", "abifo", "abifo", "abifo", "abifo"};
        int[] results = {10, 50, 20, 30, -1, 40};
        for (int x = 0; x <= 5; x++) {
            clearTrace(pair);
            Outcome outcome = pair.call(null, "nested", new Class<?>[] {int.class}, x);
            assertEquals(traces[x], pair.woven.getField("TRACE").get(null).toString(), "nested(" + x + ")");
            if (x == 4) {
                assertEquals("UnsupportedOperationException:four", outcome.thrown, "nested(4)");
            } else {
                assertEquals(results[x], outcome.returned, "nested(" + x + ")");
            }
        }

        clearTrace(pair);
        assertEquals(-1, pair.call(null, "retry", new Class<?>[] {int.class}, 3).returned);
        assertEquals("rrr", pair.woven.getField("TRACE").get(null).toString(), "three retries, one entry");

        assertEquals("IllegalStateException:stop",
                pair.call(null, "alwaysThrows", new Class<?>[] {String.class}, "stop").thrown);
        assertEquals("Exception:positive 3", pair.call(null, "neverReturns", new Class<?>[] {int.class}, 3).thrown);
        assertEquals("ArithmeticException:not positive 0",
                pair.call(null, "neverReturns", new Class<?>[] {int.class}, 0).thrown);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void instanceMethodBesideConstructorsThatAreNotWoven(Mode mode) throws Throwable {
        Pair pair = pair(classes(ShapesFixture.class), ShapesFixture.class.getName(), mode);
        Class<?>[] constructor = {String.class, int.class};
        Object original = pair.original.getConstructor(constructor).newInstance("n", -3);
        Object woven = pair.woven.getConstructor(constructor).newInstance("n", -3);
        assertCalls(List.of(), "constructing calls nothing");
        Outcome outcome = pair.call(original, woven, "describe", new Class<?>[] {String.class}, "p:");
        assertEquals("p:-n*3", outcome.returned);

        original = pair.original.getConstructor(constructor).newInstance("z", 0);
        woven = pair.woven.getConstructor(constructor).newInstance("z", 0);
        assertCalls(List.of(), "constructing calls nothing");
        assertEquals("qz", pair.call(original, woven, "describe", new Class<?>[] {String.class}, "q").returned);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void interfaceDefaultAndStaticMethods(Mode mode) throws Throwable {
        Map<String, byte[]> classes = classes(ShapesInterface.class, ShapesInterface.Impl.class);
        Pair pair = pair(classes, ShapesInterface.class.getName(), mode);
        assertEquals(List.of("greet(Ljava/lang/String;I)Ljava/lang/String;", "twice(I)I"),
                List.copyOf(pair.plans.keySet()),
                "greet and twice woven, name (abstract) not");
        Object original = pair.originalLoader.loadClass(ShapesInterface.Impl.class.getName())
                .getConstructor().newInstance();
        Object woven = pair.wovenLoader.loadClass(ShapesInterface.Impl.class.getName()).getConstructor().newInstance();
        assertCalls(List.of(), "constructing the implementation calls nothing");
        Class<?>[] greet = {String.class, int.class};
        assertEquals("hi hi impl", pair.call(original, woven, "greet", greet, "hi", 2).returned);
        assertEquals("impl", pair.call(original, woven, "greet", greet, "hi", 0).returned);
        assertEquals(8, pair.call(null, "twice", new Class<?>[] {int.class}, 4).returned);
        assertEquals("IllegalArgumentException:negative",
                pair.call(null, "twice", new Class<?>[] {int.class}, -1).thrown);
    }

    /** Java 5: no stack map frames, none added; a finally as a {@code jsr}/{@code ret} subroutine. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void java5ClassWithoutFramesAndWithASubroutine(Mode mode) throws Throwable {
        byte[] bytes = java5();
        Pair pair = pair(Map.of("gen.Java5", bytes), "gen.Java5", mode);
        assertEquals(Opcodes.V1_5, new ClassReader(pair.bytes).readShort(6));
        assertEquals(0, frames(pair.bytes), "a version 49 class gets no frames");
        for (int n : new int[] {0, 1, 10}) {
            pair.call(null, "loop", new Class<?>[] {int.class}, n);
        }
        assertEquals(45, pair.original(null, "loop", new Class<?>[] {int.class}, 10));
        assertEquals(42, pair.call(null, "caught", new Class<?>[] {String.class}, "42").returned);
        assertEquals(-1, pair.call(null, "caught", new Class<?>[] {String.class}, "x").returned);
        assertEquals(14, pair.call(null, "subroutine", new Class<?>[] {int.class}, 7).returned);
        assertEquals("IllegalArgumentException:negative",
                pair.call(null, "subroutine", new Class<?>[] {int.class}, -7).thrown);
        assertEquals(2, pair.woven.getField("counter").getInt(null), "the subroutine ran on both paths");
        Object original = pair.original.getConstructor().newInstance();
        Object woven = pair.woven.getConstructor().newInstance();
        Class<?>[] wide = {long.class, double.class};
        assertEquals(10L, pair.call(original, woven, "wide", wide, 5L, 2.5).returned);
        assertEquals(-2L, pair.call(original, woven, "wide", wide, -5L, -2.5).returned);
    }

    /** Java 6 without a StackMapTable (it was optional then): the verifier falls back to type inference. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void java6ClassWithoutFrames(Mode mode) throws Throwable {
        Pair pair = pair(Map.of("gen.Java6", java6()), "gen.Java6", mode);
        for (int x : new int[] {-4, 0, 4}) {
            pair.call(null, "classify", new Class<?>[] {int.class}, x);
        }
        assertEquals("ArithmeticException:/ by zero",
                pair.call(null, "classify", new Class<?>[] {int.class}, 0).thrown);
    }

    /** 140 long locals: the token's slot is past 255, so it is stored and loaded with {@code wide}. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void moreThan255LocalSlots(Mode mode) throws Throwable {
        StringBuilder source = new StringBuilder("package gen;\npublic class ManyLocals {\n"
                + "    public static long many(int seed, String tag) {\n        long v0 = seed;\n");
        for (int i = 1; i < 140; i++) {
            source.append("        long v").append(i).append(" = v").append(i - 1).append(" + ").append(i)
                    .append(";\n");
        }
        source.append("""
                        long total = 0;
                        for (int i = 0; i < 3; i++) {
                            total += v139 - v0 + i;
                        }
                        try {
                            total += tag.length();
                        } catch (NullPointerException e) {
                            total = -total;
                        }
                        if (total > 100000) {
                            return total;
                        }
                        return total + v70;
                    }
                }
                """);
        Path classes = compile(List.of("-g"), "gen/ManyLocals.java", source.toString());
        byte[] bytes = Files.readAllBytes(classes.resolve("gen/ManyLocals.class"));
        ClassFile.MethodInfo many = ClassFile.read("gen.ManyLocals", bytes, true).methods
                .get("many(ILjava/lang/String;)J");
        assertTrue(many.maxLocals > 256, "max_locals " + many.maxLocals);
        assertEquals("seed", many.parameterName(0));
        assertEquals("tag", many.parameterName(1));

        Pair pair = pair(Map.of("gen.ManyLocals", bytes), "gen.ManyLocals", mode);
        if (mode.settles()) {
            List<Integer> tokenStores = new ArrayList<>();
            new ClassReader(pair.bytes).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                        String[] exceptions) {
                    return new MethodVisitor(Opcodes.ASM9) {
                        @Override
                        public void visitVarInsn(int opcode, int varIndex) {
                            if (opcode == Opcodes.ASTORE && varIndex >= many.maxLocals) {
                                tokenStores.add(varIndex);
                            }
                        }
                    };
                }
            }, 0);
            assertTrue(tokenStores.contains(many.maxLocals), "the token stored past 255: " + tokenStores);
        }
        pair.call(null, "many", new Class<?>[] {int.class, String.class}, 1, "abc");
        pair.call(null, "many", new Class<?>[] {int.class, String.class}, 1000, null);
        pair.call(null, "many", new Class<?>[] {int.class, String.class}, -5, "");
    }

    /** A parameter's slot given a value of another type before a branch: the frames there say so. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void parameterSlotsReusedForOtherTypes(Mode mode) throws Throwable {
        byte[] bytes = reuse();
        ClassFile file = ClassFile.read("gen.Reuse", bytes, true);
        assertEquals("s", file.methods.get("reuse(Ljava/lang/String;)I").parameterName(0),
                "the entry that starts with the method names the parameter, not a later one in its slot");
        assertEquals("v", file.methods.get("split(JLjava/lang/String;)I").parameterName(0));
        assertEquals("s", file.methods.get("split(JLjava/lang/String;)I").parameterName(1));
        assertEquals("v", file.methods.get("reuseThis(J)I").parameterName(0));

        Pair pair = pair(Map.of("gen.Reuse", bytes), "gen.Reuse", mode);
        assertEquals(3, pair.call(null, "reuse", new Class<?>[] {String.class}, "abc").returned);
        assertEquals(-5, pair.call(null, "reuse", new Class<?>[] {String.class}, "").returned);
        assertEquals(2, pair.call(null, "split", new Class<?>[] {long.class, String.class}, 99L, "xy").returned);
        assertEquals(-1, pair.call(null, "split", new Class<?>[] {long.class, String.class}, 99L, "").returned);
        Object original = pair.original.getConstructor().newInstance();
        Object woven = pair.woven.getConstructor().newInstance();
        assertEquals(7, pair.call(original, woven, "reuseThis", new Class<?>[] {long.class}, 7L).returned);
        assertEquals(7, pair.call(original, woven, "reuseThis", new Class<?>[] {long.class}, -7L).returned);
    }

    /**
     * Returns inside the method's own protected range (as some compilers lay out {@code try { return a ? b : c; }}):
     * the exception the method catches itself is not the guard's business, one exit either way.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void returnsInsideTheMethodsOwnProtectedRange(Mode mode) throws Throwable {
        Pair pair = pair(Map.of("gen.OwnRange", ownRange()), "gen.OwnRange", mode);
        assertEquals(5, pair.call(null, "own", new Class<?>[] {String.class}, "5").returned);
        assertEquals(5, pair.call(null, "own", new Class<?>[] {String.class}, "-5").returned);
        assertEquals(-1, pair.call(null, "own", new Class<?>[] {String.class}, "x").returned);
        assertTrue(pair.call(null, "own", new Class<?>[] {String.class}, (Object) null).thrown
                .startsWith("NullPointerException:"), "outside the range: not the method's to catch");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Parameter names, as compiled

    private static final String PLAIN = """
            package gen;
            public class Plain {
                private final String unit;
                public Plain(String unit) {
                    this.unit = unit;
                }
                public static String join(String first, long big, int count, double ratio) {
                    StringBuilder out = new StringBuilder(first);
                    for (int i = 0; i < count; i++) {
                        out.append(big);
                    }
                    if (ratio > 1) {
                        return out.append('+').toString();
                    }
                    return out.toString();
                }
                public String scaled(double value, String label) {
                    String shown = label == null ? "?" : label;
                    return shown + "=" + value + unit;
                }
            }
            """;

    private static final String JOIN = "join(Ljava/lang/String;JID)Ljava/lang/String;";
    private static final String SCALED = "scaled(DLjava/lang/String;)Ljava/lang/String;";

    @Test
    void withoutDebugInformationOrParametersNoNames() throws Throwable {
        for (List<String> options : List.of(List.<String>of(), List.of("-g:none"), List.of("-g:source,lines"))) {
            ClassFile file = plain(options);
            for (String key : List.of(JOIN, SCALED)) {
                ClassFile.MethodInfo method = file.methods.get(key);
                for (int i = 0; i < Type.getArgumentCount(method.descriptor); i++) {
                    assertNull(method.parameterName(i), options + " " + key + " parameter " + i);
                }
            }
        }
        runPlain(List.of());
    }

    @Test
    void withDebugInformationOnlyNamesFromTheLocalVariableTable() throws Throwable {
        for (List<String> options : List.of(List.of("-g"), List.of("-g:vars"))) {
            ClassFile file = plain(options);
            assertEquals(List.of("first", "big", "count", "ratio"), names(file.methods.get(JOIN)), options.toString());
            assertEquals(List.of("value", "label"), names(file.methods.get(SCALED)), options.toString());
        }
        runPlain(List.of("-g"));
    }

    @Test
    void withParametersOnlyNamesFromMethodParameters() throws Throwable {
        ClassFile file = plain(List.of("-parameters", "-g:none"));
        assertEquals(List.of("first", "big", "count", "ratio"), names(file.methods.get(JOIN)));
        assertEquals(List.of("value", "label"), names(file.methods.get(SCALED)));
    }

    private ClassFile plain(List<String> options) throws IOException {
        Path classes = compile(options, "gen/Plain.java", PLAIN);
        return ClassFile.read("gen.Plain", Files.readAllBytes(classes.resolve("gen/Plain.class")), true);
    }

    private void runPlain(List<String> options) throws Throwable {
        Path classes = compile(options, "gen/Plain.java", PLAIN);
        Pair pair = pair(Map.of("gen.Plain", Files.readAllBytes(classes.resolve("gen/Plain.class"))), "gen.Plain",
                FULL);
        Class<?>[] join = {String.class, long.class, int.class, double.class};
        assertEquals("a77+", pair.call(null, "join", join, "a", 7L, 2, 1.5).returned);
        assertEquals("a", pair.call(null, "join", join, "a", 7L, 0, 0.5).returned);
        Object original = pair.original.getConstructor(String.class).newInstance("kg");
        Object woven = pair.woven.getConstructor(String.class).newInstance("kg");
        assertEquals("?=2.5kg", pair.call(original, woven, "scaled", new Class<?>[] {double.class, String.class},
                2.5, null).returned);
    }

    private static List<String> names(ClassFile.MethodInfo method) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < Type.getArgumentCount(method.descriptor); i++) {
            names.add(method.parameterName(i));
        }
        return names;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Weaving, loading, calling

    /** What a call did: returned (boxed, or null for void) or thrown ({@code Type:message}), and the statics after. */
    record Outcome(Object returned, String thrown, String statics) {
    }

    /** One class woven and the same class unwoven, each with its companions in a loader of its own. */
    private static final class Pair {
        final Map<String, Integer> plans;
        final Mode mode;
        final byte[] bytes;
        final ClassLoader originalLoader;
        final ClassLoader wovenLoader;
        final Class<?> original;
        final Class<?> woven;

        Pair(Map<String, byte[]> classes, String name, Mode mode) throws Exception {
            this.mode = mode;
            this.plans = new TreeMap<>();
            byte[] unwoven = classes.get(name);
            ClassFile file = ClassFile.read(name, unwoven, true);
            Map<String, GuardWeaving.Plan> weaving = new HashMap<>();
            for (ClassFile.MethodInfo m : file.methods.values()) {
                // What GuardPlanner weaves: methods with code, no constructors or initializers, no bridges.
                if (m.name.startsWith("<") || m.is(Opcodes.ACC_ABSTRACT) || m.is(Opcodes.ACC_NATIVE)
                        || m.is(Opcodes.ACC_BRIDGE) || m.is(Opcodes.ACC_SYNTHETIC)) {
                    continue;
                }
                int id = IDS.incrementAndGet();
                plans.put(m.key(), id);
                weaving.put(m.key(), new GuardWeaving.Plan(new Registration(id, mode.readsArguments(), mode.settles(),
                        mode.needsResult()), m.maxLocals));
            }
            this.bytes = GuardWeaving.weave(unwoven, weaving);
            Map<String, byte[]> wovenClasses = new HashMap<>(classes);
            wovenClasses.put(name, bytes);
            this.originalLoader = new Isolated(classes);
            this.wovenLoader = new Isolated(wovenClasses);
            this.original = originalLoader.loadClass(name);
            this.woven = wovenLoader.loadClass(name);
            assertNotSame(Dispatch.class, Class.forName(DISPATCH, false, wovenLoader), "the test's own bridge");
        }

        Object original(Object target, String method, Class<?>[] parameters, Object... args) throws Exception {
            return run(original, target, method, parameters, args).returned;
        }

        Outcome call(Object target, String method, Class<?>[] parameters, Object... args) throws Exception {
            return call(target, target, method, parameters, args);
        }

        /**
         * Calls {@code method} on the unwoven class, then on the woven one: same outcome, same static state, and
         * the bridge saw the call as {@code mode} says.
         */
        Outcome call(Object originalTarget, Object wovenTarget, String method, Class<?>[] parameters, Object... args)
                throws Exception {
            clearCalls();
            Outcome expected = run(original, originalTarget, method, parameters, args);
            assertCalls(List.of(), "the unwoven class calls nothing");
            Outcome actual = run(woven, wovenTarget, method, parameters, args);
            String call = woven.getSimpleName() + "." + method + Arrays.deepToString(args);
            assertEquals(expected, actual, call + " behaves as unwoven");
            Method m = find(woven, method, parameters);
            Integer id = plans.get(m.getName() + Type.getMethodDescriptor(m));
            assertNotNull(id, call + " was woven");
            List<String> calls = new ArrayList<>();
            calls.add("enter " + id + " " + (mode.readsArguments() ? Arrays.deepToString(args) : "null"));
            if (mode.settles()) {
                calls.add("exit " + id + " token" + id + " result="
                        + (mode.needsResult() && expected.thrown == null ? CallRecorder.describe(expected.returned)
                                : "null")
                        + " thrown=" + (expected.thrown == null ? "null" : expected.thrown));
            }
            assertCalls(calls, call);
            return actual;
        }
    }

    private static Pair pair(Map<String, byte[]> classes, String name, Mode mode) throws Exception {
        return new Pair(classes, name, mode);
    }

    private static Outcome run(Class<?> type, Object target, String method, Class<?>[] parameters, Object... args)
            throws Exception {
        Method m = find(type, method, parameters);
        Object returned = null;
        String thrown = null;
        try {
            returned = m.invoke(target, args);
        } catch (InvocationTargetException e) {
            thrown = CallRecorder.thrown(e.getCause());
        }
        return new Outcome(returned, thrown, statics(type));
    }

    private static Method find(Class<?> type, String method, Class<?>[] parameters) throws NoSuchMethodException {
        try {
            return type.getDeclaredMethod(method, parameters);
        } catch (NoSuchMethodException e) {
            return type.getMethod(method, parameters);
        }
    }

    /** The public static fields of {@code type}, as text. */
    private static String statics(Class<?> type) throws IllegalAccessException {
        StringBuilder out = new StringBuilder();
        for (Field field : type.getFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                out.append(field.getName()).append('=').append(field.get(null)).append(' ');
            }
        }
        return out.toString();
    }

    private static void clearTrace(Pair pair) throws Exception {
        ((StringBuilder) pair.original.getField("TRACE").get(null)).setLength(0);
        ((StringBuilder) pair.woven.getField("TRACE").get(null)).setLength(0);
    }

    private static void clearCalls() {
        synchronized (CALLS) {
            CALLS.clear();
        }
    }

    private static void assertCalls(List<String> expected, String message) {
        synchronized (CALLS) {
            assertEquals(expected, List.copyOf(CALLS), message);
            CALLS.clear();
        }
    }

    private static byte[] resource(Class<?> type) throws IOException {
        String name = type.getName();
        try (InputStream in = type.getResourceAsStream(name.substring(name.lastIndexOf('.') + 1) + ".class")) {
            return in.readAllBytes();
        }
    }

    private static Map<String, byte[]> classes(Class<?>... types) throws IOException {
        Map<String, byte[]> classes = new HashMap<>();
        for (Class<?> type : types) {
            classes.put(type.getName(), resource(type));
        }
        return classes;
    }

    /** How many stack map frames the class file declares. */
    private static int frames(byte[] bytes) {
        int[] frames = {0};
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
                        frames[0]++;
                    }
                };
            }
        }, 0);
        return frames[0];
    }

    /** Compiles one source with exactly {@code options} (and no annotation processing) into a new directory. */
    private Path compile(List<String> options, String file, String source) throws IOException {
        Path dir = Files.createTempDirectory(temp, "javac");
        Path src = dir.resolve("src").resolve(file);
        Path classes = dir.resolve("classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(src, source);
        List<String> args = new ArrayList<>(List.of("-proc:none", "--release", "17", "-d", classes.toString()));
        args.addAll(options);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        boolean compiled = javac.getTask(errors, null, null, args, null,
                javac.getStandardFileManager(null, null, null).getJavaFileObjects(src)).call();
        assertTrue(compiled, "javac " + options + ": " + errors);
        return classes;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Classes written with ASM, for shapes javac does not make

    /**
     * Version 49, no frames: {@code loop}, {@code caught} (a catch), {@code subroutine} (a finally as
     * {@code jsr}/{@code ret}, as javac made them before Java 6), an instance method with long and double.
     */
    private static byte[] java5() {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V1_5, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "gen/Java5", null, "java/lang/Object", null);
        cw.visitField(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "counter", "I", null, null).visitEnd();
        constructor(cw);

        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "loop", "(I)I", null, null);
        mv.visitCode();
        Label condition = new Label();
        Label end = new Label();
        mv.visitInsn(Opcodes.ICONST_0);
        mv.visitVarInsn(Opcodes.ISTORE, 1);
        mv.visitInsn(Opcodes.ICONST_0);
        mv.visitVarInsn(Opcodes.ISTORE, 2);
        mv.visitLabel(condition);
        mv.visitVarInsn(Opcodes.ILOAD, 2);
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitJumpInsn(Opcodes.IF_ICMPGE, end);
        mv.visitVarInsn(Opcodes.ILOAD, 1);
        mv.visitVarInsn(Opcodes.ILOAD, 2);
        mv.visitInsn(Opcodes.IADD);
        mv.visitVarInsn(Opcodes.ISTORE, 1);
        mv.visitIincInsn(2, 1);
        mv.visitJumpInsn(Opcodes.GOTO, condition);
        mv.visitLabel(end);
        mv.visitVarInsn(Opcodes.ILOAD, 1);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitMaxs(2, 3);
        mv.visitEnd();

        mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "caught", "(Ljava/lang/String;)I", null, null);
        mv.visitCode();
        Label start = new Label();
        Label stop = new Label();
        Label handler = new Label();
        mv.visitTryCatchBlock(start, stop, handler, "java/lang/NumberFormatException");
        mv.visitLabel(start);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Integer", "parseInt", "(Ljava/lang/String;)I", false);
        mv.visitLabel(stop);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitLabel(handler);
        mv.visitVarInsn(Opcodes.ASTORE, 1);
        mv.visitInsn(Opcodes.ICONST_M1);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitMaxs(1, 2);
        mv.visitEnd();

        // static int subroutine(int x) { try { if (x < 0) throw new IAE("negative"); r = 2 * x; } finally
        // { counter++; } return r; } with the finally as a subroutine on both paths.
        mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "subroutine", "(I)I", null, null);
        mv.visitCode();
        Label tryStart = new Label();
        Label tryEnd = new Label();
        Label any = new Label();
        Label positive = new Label();
        Label finallyBlock = new Label();
        mv.visitTryCatchBlock(tryStart, tryEnd, any, null);
        mv.visitLabel(tryStart);
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitJumpInsn(Opcodes.IFGE, positive);
        mv.visitTypeInsn(Opcodes.NEW, "java/lang/IllegalArgumentException");
        mv.visitInsn(Opcodes.DUP);
        mv.visitLdcInsn("negative");
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/IllegalArgumentException", "<init>",
                "(Ljava/lang/String;)V", false);
        mv.visitInsn(Opcodes.ATHROW);
        mv.visitLabel(positive);
        mv.visitInsn(Opcodes.ICONST_2);
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitInsn(Opcodes.IMUL);
        mv.visitVarInsn(Opcodes.ISTORE, 1);
        mv.visitLabel(tryEnd);
        mv.visitJumpInsn(Opcodes.JSR, finallyBlock);
        mv.visitVarInsn(Opcodes.ILOAD, 1);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitLabel(any);
        mv.visitVarInsn(Opcodes.ASTORE, 2);
        mv.visitJumpInsn(Opcodes.JSR, finallyBlock);
        mv.visitVarInsn(Opcodes.ALOAD, 2);
        mv.visitInsn(Opcodes.ATHROW);
        mv.visitLabel(finallyBlock);
        mv.visitVarInsn(Opcodes.ASTORE, 3);
        mv.visitFieldInsn(Opcodes.GETSTATIC, "gen/Java5", "counter", "I");
        mv.visitInsn(Opcodes.ICONST_1);
        mv.visitInsn(Opcodes.IADD);
        mv.visitFieldInsn(Opcodes.PUTSTATIC, "gen/Java5", "counter", "I");
        mv.visitVarInsn(Opcodes.RET, 3);
        mv.visitMaxs(3, 4);
        mv.visitEnd();

        // long wide(long a, double b) { return a > 0 ? a * 2 : (long) b; }
        mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "wide", "(JD)J", null, null);
        mv.visitCode();
        Label negative = new Label();
        mv.visitVarInsn(Opcodes.LLOAD, 1);
        mv.visitInsn(Opcodes.LCONST_0);
        mv.visitInsn(Opcodes.LCMP);
        mv.visitJumpInsn(Opcodes.IFLE, negative);
        mv.visitVarInsn(Opcodes.LLOAD, 1);
        mv.visitLdcInsn(2L);
        mv.visitInsn(Opcodes.LMUL);
        mv.visitInsn(Opcodes.LRETURN);
        mv.visitLabel(negative);
        mv.visitVarInsn(Opcodes.DLOAD, 3);
        mv.visitInsn(Opcodes.D2L);
        mv.visitInsn(Opcodes.LRETURN);
        mv.visitMaxs(4, 5);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** Version 50 with branches and a catch but no StackMapTable. */
    private static byte[] java6() {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V1_6, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "gen/Java6", null, "java/lang/Object", null);
        constructor(cw);
        // static String classify(int x) { try { return x < 0 ? "neg" : "pos" + (100 / x); }
        // catch (IllegalStateException e) { return "never"; } }
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "classify",
                "(I)Ljava/lang/String;", null, null);
        mv.visitCode();
        Label start = new Label();
        Label stop = new Label();
        Label handler = new Label();
        Label positive = new Label();
        mv.visitTryCatchBlock(start, stop, handler, "java/lang/IllegalStateException");
        mv.visitLabel(start);
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitJumpInsn(Opcodes.IFGE, positive);
        mv.visitLdcInsn("neg");
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitLabel(positive);
        mv.visitIntInsn(Opcodes.BIPUSH, 100);
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitInsn(Opcodes.IDIV);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/String", "valueOf", "(I)Ljava/lang/String;", false);
        mv.visitLabel(stop);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitLabel(handler);
        mv.visitInsn(Opcodes.POP);
        mv.visitLdcInsn("never");
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        byte[] bytes = cw.toByteArray();
        assertEquals(0, frames(bytes));
        return bytes;
    }

    /**
     * Version 61, frames computed by ASM: {@code reuse(String s)} stores an int, then a String, in {@code s}'s slot;
     * {@code split(long v, String s)} stores an int in the second half of {@code v}; {@code reuseThis(long v)}
     * stores an int in {@code this}'s slot. Each before a branch.
     */
    private static byte[] reuse() {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "gen/Reuse", null, "java/lang/Object", null);
        constructor(cw);

        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "reuse", "(Ljava/lang/String;)I",
                null, null);
        mv.visitCode();
        Label l0 = new Label();
        Label l1 = new Label();
        Label l2 = new Label();
        Label l3 = new Label();
        mv.visitLabel(l0);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/String", "length", "()I", false);
        mv.visitVarInsn(Opcodes.ISTORE, 0);
        mv.visitLabel(l1);
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitJumpInsn(Opcodes.IFLE, l2);
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitLabel(l2);
        mv.visitLdcInsn("empty");
        mv.visitVarInsn(Opcodes.ASTORE, 0);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/String", "length", "()I", false);
        mv.visitInsn(Opcodes.INEG);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitLabel(l3);
        mv.visitLocalVariable("n", "I", null, l1, l2, 0);
        mv.visitLocalVariable("t", "Ljava/lang/String;", null, l2, l3, 0);
        mv.visitLocalVariable("s", "Ljava/lang/String;", null, l0, l1, 0);
        mv.visitMaxs(0, 0);
        mv.visitEnd();

        mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "split", "(JLjava/lang/String;)I", null, null);
        mv.visitCode();
        l0 = new Label();
        l1 = new Label();
        l2 = new Label();
        l3 = new Label();
        mv.visitLabel(l0);
        mv.visitVarInsn(Opcodes.ALOAD, 2);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/String", "length", "()I", false);
        mv.visitVarInsn(Opcodes.ISTORE, 1);
        mv.visitLabel(l1);
        mv.visitVarInsn(Opcodes.ILOAD, 1);
        mv.visitJumpInsn(Opcodes.IFEQ, l2);
        mv.visitVarInsn(Opcodes.ILOAD, 1);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitLabel(l2);
        mv.visitInsn(Opcodes.ICONST_M1);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitLabel(l3);
        mv.visitLocalVariable("v", "J", null, l0, l1, 0);
        mv.visitLocalVariable("s", "Ljava/lang/String;", null, l0, l3, 2);
        mv.visitLocalVariable("length", "I", null, l1, l3, 1);
        mv.visitMaxs(0, 0);
        mv.visitEnd();

        mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "reuseThis", "(J)I", null, null);
        mv.visitCode();
        l0 = new Label();
        l1 = new Label();
        l2 = new Label();
        l3 = new Label();
        mv.visitLabel(l0);
        mv.visitVarInsn(Opcodes.LLOAD, 1);
        mv.visitInsn(Opcodes.L2I);
        mv.visitVarInsn(Opcodes.ISTORE, 0);
        mv.visitLabel(l1);
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitJumpInsn(Opcodes.IFGE, l2);
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitInsn(Opcodes.INEG);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitLabel(l2);
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitLabel(l3);
        mv.visitLocalVariable("this", "Lgen/Reuse;", null, l0, l1, 0);
        mv.visitLocalVariable("v", "J", null, l0, l3, 1);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    /**
     * {@code static int own(String s)}: {@code try { int n = parseInt(s); if (n < 0) return -n; return n; } catch
     * (Throwable t) { return -1; }} with both returns inside the protected range, and a null check before it.
     */
    private static byte[] ownRange() {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "gen/OwnRange", null, "java/lang/Object", null);
        constructor(cw);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "own", "(Ljava/lang/String;)I",
                null, null);
        mv.visitCode();
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        Label positive = new Label();
        mv.visitTryCatchBlock(start, end, handler, "java/lang/Throwable");
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/String", "length", "()I", false);
        mv.visitInsn(Opcodes.POP);
        mv.visitLabel(start);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Integer", "parseInt", "(Ljava/lang/String;)I", false);
        mv.visitVarInsn(Opcodes.ISTORE, 1);
        mv.visitVarInsn(Opcodes.ILOAD, 1);
        mv.visitJumpInsn(Opcodes.IFGE, positive);
        mv.visitVarInsn(Opcodes.ILOAD, 1);
        mv.visitInsn(Opcodes.INEG);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitLabel(positive);
        mv.visitVarInsn(Opcodes.ILOAD, 1);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitLabel(end);
        mv.visitLabel(handler);
        mv.visitVarInsn(Opcodes.ASTORE, 1);
        mv.visitInsn(Opcodes.ICONST_M1);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static void constructor(ClassWriter cw) {
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(1, 1);
        mv.visitEnd();
    }
}
