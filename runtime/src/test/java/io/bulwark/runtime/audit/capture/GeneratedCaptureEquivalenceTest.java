package io.bulwark.runtime.audit.capture;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import io.bulwark.Bulwark;
import io.bulwark.Caller;
import io.bulwark.Redact;
import io.bulwark.processor.BulwarkProcessor;
import io.bulwark.rules.key.Parameter;
import io.bulwark.runtime.key.KeyCompiler;
import io.bulwark.runtime.key.KeyExtractor;
import io.bulwark.runtime.key.ReflectiveTypeModel;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The processor's generated audit capture and resource readers record what the runtime's own would: the same JSON
 * for the same arguments, the same resource text. (They may differ only where the user suppressed a secret-name check
 * in the source, which the runtime cannot see.)
 */
class GeneratedCaptureEquivalenceTest {

    private static final Redactor REDACTOR = new Redactor(new byte[32]);
    private static final String RESOURCE_ID = "acct-{t.from}:{t.cents}";
    private static final String RESOURCE_NAME = "{caller.org}/{channel}";
    private static final List<Parameter> PARAMETERS = List.of(new Parameter("t", "com.acme.Bank$Transfer"),
            new Parameter("channel", "com.acme.Bank$Channel"), new Parameter("pin", "java.lang.String",
                    Redact.Mode.DROP), new Parameter("password", "java.lang.String", Redact.Mode.MASK),
            new Parameter("tags", "java.util.List"));

    private static ClassLoader compiled;

    @BeforeAll
    static void compileWithTheProcessor() {
        JavaFileObject source = JavaFileObjects.forSourceLines("com.acme.Bank",
                "package com.acme;",
                "import io.bulwark.*;",
                "public class Bank {",
                "    public record Card(String holder, @Redact(mode = Redact.Mode.HASH) String number, "
                        + "@Redact String cvc,",
                "            String secretCode, @Redact(mode = Redact.Mode.DROP) String pin) { }",
                "    public record Transfer(String from, Long cents, Card card, java.util.List<Card> more) { }",
                "    public enum Channel { WEB, APP }",
                "    @Audited(action = \"transfer.create\", resourceId = \"" + RESOURCE_ID + "\",",
                "            resourceName = \"" + RESOURCE_NAME + "\")",
                "    public void transfer(Transfer t, Channel channel, @Redact(mode = Redact.Mode.DROP) String pin,",
                "            @Redact String password, java.util.List<String> tags) { }",
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
        compiled = new ClassLoader(GeneratedCaptureEquivalenceTest.class.getClassLoader()) {
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
    private static Object channel(String name) throws Exception {
        return Enum.valueOf((Class) compiled.loadClass("com.acme.Bank$Channel"), name);
    }

    private static String capture(ArgumentCapture arguments, Object[] args) {
        ValueWriter out = new ValueWriter(16_384, REDACTOR);
        out.beginObject();
        out.member("args");
        out.beginObject();
        arguments.write(args, out);
        out.endObject();
        return out.finish();
    }

    /** The redacted texts a capture hands over for scrubbing exception messages, sorted. */
    private static List<String> secrets(ArgumentCapture arguments, Object[] args) {
        ValueWriter out = new ValueWriter(16_384, REDACTOR);
        out.beginObject();
        arguments.write(args, out);
        return out.secrets().stream().sorted().toList();
    }

    @Test
    void generatedAndRuntimeCapturesRecordTheSame() throws Exception {
        Object card = make("com.acme.Bank$Card", "Ann", "4111111111111111", "123", "s3cr3t", "9876");
        Object full = make("com.acme.Bank$Transfer", "A1", 1234L, card, List.of(card));
        Object sparse = make("com.acme.Bank$Transfer", null, null, null, null);
        List<Object[]> calls = new ArrayList<>();
        calls.add(new Object[] {full, channel("WEB"), "0000", "hunter2", List.of("x", "y")});
        calls.add(new Object[] {sparse, null, null, null, null});
        calls.add(new Object[] {null, channel("APP"), "1", "p", List.of()});
        String[] names = PARAMETERS.stream().map(Parameter::name).toArray(String[]::new);
        Redact.Mode[] redactions = PARAMETERS.stream().map(Parameter::redaction).toArray(Redact.Mode[]::new);
        ArgumentCapture own = new PlannedArguments(names, redactions);
        ArgumentCapture generated = new GeneratedArguments("transfer", "com.acme.Bank_BulwarkKeys#args0", compiled);
        ReflectiveTypeModel types = new ReflectiveTypeModel(compiled);
        KeyExtractor idOwn = KeyCompiler.compileText("resourceId", RESOURCE_ID, "t", PARAMETERS, types, compiled, null);
        KeyExtractor idGenerated = KeyCompiler.compileText("resourceId", RESOURCE_ID, "t", PARAMETERS, types, compiled,
                "com.acme.Bank_BulwarkKeys#res0");
        KeyExtractor nameOwn = KeyCompiler.compileText("resourceName", RESOURCE_NAME, "t", PARAMETERS, types, compiled,
                null);
        KeyExtractor nameGenerated = KeyCompiler.compileText("resourceName", RESOURCE_NAME, "t", PARAMETERS, types,
                compiled, "com.acme.Bank_BulwarkKeys#res1");
        for (Caller caller : List.of(Caller.anonymous(), Caller.of("u").org("acme"))) {
            try (Bulwark.Scope scope = Bulwark.bind(caller)) {
                for (Object[] args : calls) {
                    String json = capture(own, args);
                    assertEquals(json, capture(generated, args));
                    assertFalse(json.contains("4111") || json.contains("hunter2") || json.contains("s3cr3t")
                            || json.contains("9876") || json.contains("0000"), json);
                    assertEquals(secrets(own, args), secrets(generated, args));
                    assertEquals(idOwn.extract(args), idGenerated.extract(args));
                    assertEquals(nameOwn.extract(args), nameGenerated.extract(args));
                }
            }
        }
        assertEquals(List.of("0000", "123", "123", "4111111111111111", "4111111111111111", "9876", "9876", "hunter2",
                "s3cr3t", "s3cr3t"),
                secrets(generated, calls.get(0)),
                "every redacted value, parameters and components, nested in lists too");
        assertEquals("acct-A1:1234", idOwn.extract(calls.get(0)));
        assertEquals(null, idOwn.extract(calls.get(2)));
    }
}
