package io.bulwark.runtime.key;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import io.bulwark.Bulwark;
import io.bulwark.Caller;
import io.bulwark.processor.BulwarkProcessor;
import io.bulwark.rules.key.Parameter;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The processor's generated extractors and the runtime's own must render the same key for the same arguments:
 * instances built with and without the processor share counters in Redis, and {@code RateLimits.reset} frames keys
 * one way only.
 */
class GeneratedKeyEquivalenceTest {

    private static final List<String> TEMPLATES = List.of(
            "{req.user.id}:{req.user.tier}:{req.user.number}",
            "{caller.org}:{req.ref}:{req.ratio}:{req.user.initial}",
            "{count}:{flag}:{name}:{caller.user}",
            "{name:trim:lower}:{caller.ip}:{req.user.id:upper}:{caller.email:nfkc:lower}");
    private static final List<Parameter> PARAMETERS = List.of(new Parameter("req", "com.acme.Keys$Req"),
            new Parameter("count", "int"), new Parameter("flag", "boolean"),
            new Parameter("name", "java.lang.CharSequence"));

    private static ClassLoader compiled;

    @BeforeAll
    static void compileWithTheProcessor() {
        JavaFileObject source = JavaFileObjects.forSourceLines("com.acme.Keys",
                "package com.acme;",
                "import io.bulwark.*;",
                "public class Keys {",
                "    public enum Tier { GOLD, SILVER }",
                "    public record User(String id, Tier tier, long number, Character initial) { }",
                "    public record Req(User user, java.util.UUID ref, double ratio) { }",
                "    @RateLimited(name = \"a\", limit = 5, window = \"1m\", key = \"" + TEMPLATES.get(0) + "\")",
                "    @RateLimited(name = \"b\", limit = 5, window = \"1m\", key = \"" + TEMPLATES.get(1) + "\")",
                "    @RateLimited(name = \"c\", limit = 5, window = \"1m\", key = \"" + TEMPLATES.get(2) + "\")",
                "    @RateLimited(name = \"d\", limit = 5, window = \"1m\", key = \"" + TEMPLATES.get(3) + "\")",
                "    public void call(Req req, int count, boolean flag, CharSequence name) { }",
                "}");
        Compilation compilation = javac().withProcessors(new BulwarkProcessor()).compile(source);
        assertThat(compilation).succeededWithoutWarnings();
        Map<String, byte[]> classes = new HashMap<>();
        for (JavaFileObject file : compilation.generatedFiles()) {
            if (file.getKind() == JavaFileObject.Kind.CLASS) {
                String path = file.toUri().getPath();
                String name = path.substring(path.indexOf("com/acme/"), path.length() - ".class".length())
                        .replace('/', '.');
                try (InputStream in = file.openInputStream()) {
                    classes.put(name, in.readAllBytes());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        compiled = new ClassLoader(GeneratedKeyEquivalenceTest.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] bytes = classes.get(name);
                if (bytes == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, bytes, 0, bytes.length);
            }
        };
    }

    private static Object make(String type, Object... values) throws Exception {
        Constructor<?> constructor = compiled.loadClass(type).getDeclaredConstructors()[0];
        return constructor.newInstance(values);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object tier(String name) throws Exception {
        return Enum.valueOf((Class) compiled.loadClass("com.acme.Keys$Tier"), name);
    }

    @Test
    void generatedAndCompiledExtractorsRenderTheSameKeys() throws Exception {
        Object full = make("com.acme.Keys$Req", make("com.acme.Keys$User", "u:1", tier("GOLD"), 42L, 'x'),
                new UUID(7, 9), 0.25);
        Object partial = make("com.acme.Keys$Req", make("com.acme.Keys$User", null, null, -1L, null), null, -0.0);
        Object noUser = make("com.acme.Keys$Req", null, null, 1e300);
        List<Object[]> calls = new ArrayList<>();
        calls.add(new Object[] {full, 3, true, "alice"});
        calls.add(new Object[] {full, 4, true, "  Alice@Example.COM "});
        calls.add(new Object[] {partial, 0, false, new StringBuilder("sb")});
        calls.add(new Object[] {noUser, -7, true, null});
        calls.add(new Object[] {null, Integer.MAX_VALUE, false, ""});
        int compared = 0;
        for (int t = 0; t < TEMPLATES.size(); t++) {
            KeyExtractor generated = KeyCompiler.compile(TEMPLATES.get(t), "p" + t, PARAMETERS,
                    new ReflectiveTypeModel(compiled), compiled, "com.acme.Keys_BulwarkKeys#key" + t);
            KeyExtractor own = KeyCompiler.compile(TEMPLATES.get(t), "p" + t, PARAMETERS,
                    new ReflectiveTypeModel(compiled), compiled, null);
            assertTrue(generated instanceof GeneratedKey, generated.getClass().getName());
            assertFalse(own instanceof GeneratedKey);
            for (Caller caller : List.of(Caller.anonymous(), Caller.of("u-9").org("acme"),
                    Caller.of("u-9").ip("2001:db8:1:2:aaaa::7").email("ＡＬＩＣＥ@example.com"),
                    Caller.of("v").ip("10.0.0.1"))) {
                try (Bulwark.Scope scope = Bulwark.bind(caller)) {
                    for (Object[] args : calls) {
                        assertEquals(own.extract(args), generated.extract(args), TEMPLATES.get(t));
                        compared++;
                    }
                }
            }
        }
        assertEquals(TEMPLATES.size() * 4 * calls.size(), compared);
    }

    /** Issue 16: case variants of one email share a key, and an IPv6 client rotating inside its /64 stays one key. */
    @Test
    void modifiersAndTheIpv6PrefixMakeVariantsOneKey() throws Exception {
        KeyExtractor email = KeyCompiler.compile("{name:trim:lower}", "e", PARAMETERS,
                new ReflectiveTypeModel(compiled), compiled, null);
        assertEquals(email.extract(new Object[] {null, 1, true, "alice@example.com"}),
                email.extract(new Object[] {null, 1, true, " Alice@EXAMPLE.com"}));
        KeyExtractor ip = KeyCompiler.compile("{caller.ip}", "ip", PARAMETERS, new ReflectiveTypeModel(compiled),
                compiled, null);
        String a;
        try (Bulwark.Scope scope = Bulwark.bind(Caller.of("x").ip("2001:db8:1:2::1"))) {
            a = ip.extract(null);
        }
        try (Bulwark.Scope scope = Bulwark.bind(Caller.of("x").ip("2001:db8:1:2:ffff:ffff:ffff:fffe"))) {
            assertEquals(a, ip.extract(null), "the same /64");
            assertEquals("2001:db8:1:2::/64", ip.text(null));
        }
        try (Bulwark.Scope scope = Bulwark.bind(Caller.of("x").ip("2001:db8:1:3::1"))) {
            assertFalse(a.equals(ip.extract(null)), "another /64");
        }
        try (Bulwark.Scope scope = Bulwark.bind(Caller.of("x").ip("192.0.2.7"))) {
            assertEquals("192.0.2.7", ip.text(null), "IPv4 stays /32");
        }
    }
}
