package io.bulwark.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.lang.model.SourceVersion;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/** Every diagnostic of the processor, at its file, line and value; and what a clean compilation writes. */
class BulwarkProcessorTest {

    private static Compilation compile(JavaFileObject... sources) {
        return javac().withProcessors(new BulwarkProcessor()).compile(sources);
    }

    /** {@code com.acme.Auth} with a login method under {@code annotation}. */
    private static JavaFileObject auth(String... annotation) {
        String[] lines = new String[annotation.length + 12];
        int i = 0;
        lines[i++] = "package com.acme;";
        lines[i++] = "import io.bulwark.*;";
        lines[i++] = "public class Auth {";
        lines[i++] = "    public record User(String id, Plan plan, java.util.List<String> roles) { }";
        lines[i++] = "    public enum Plan { FREE, PRO }";
        lines[i++] = "    public record Request(User user, long amount) { }";
        for (String line : annotation) {
            lines[i++] = "    " + line;
        }
        lines[i++] = "    public String login(String email, String password, Request request) {";
        lines[i++] = "        return \"session\";";
        lines[i++] = "    }";
        lines[i++] = "}";
        lines[i++] = "";
        lines[i] = "";
        return JavaFileObjects.forSourceLines("com.acme.Auth", lines);
    }

    /**
     * The line number (1-based) of the one line of {@code file} that contains {@code content}: diagnostics are located
     * by what the line says, so that a source helper gaining a line moves nothing.
     */
    private static long lineOf(JavaFileObject file, String content) {
        String[] lines;
        try {
            lines = file.getCharContent(true).toString().split("\n", -1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        long found = -1;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(content)) {
                assertEquals(-1, found, "'" + content + "' is on more than one line of " + file.getName());
                found = i + 1;
            }
        }
        assertTrue(found > 0, "'" + content + "' is on no line of " + file.getName());
        return found;
    }

    private static void assertError(Compilation compilation, JavaFileObject file, long line, String message) {
        assertThat(compilation).failed();
        assertThat(compilation).hadErrorContaining(message).inFile(file).onLine(line);
    }

    @Test
    void aSoundDeclarationCompilesCleanlyAndWritesTheIndexAndTheExtractors() throws IOException {
        JavaFileObject auth = auth(
                "@RateLimited(name = \"login\", limit = 5, window = \"5m\", key = \"{email}\", count = Count.FAILURES,",
                "        lockout = \"15m\", resetOnSuccess = true)",
                "@RateLimited(name = \"by-user\", limit = 100, window = \"1m\", key = "
                        + "\"{caller.org}:{request.user.id}\")",
                "@RateLimited(name = \"global\", limit = 1000, window = \"1s\")");
        Compilation compilation = compile(auth);
        assertThat(compilation).succeededWithoutWarnings();
        assertEquals("# bulwark-index 1\n"
                + "com.acme.Auth login (Ljava/lang/String;Ljava/lang/String;Lcom/acme/Auth$Request;)Ljava/lang/String; "
                + "RateLimited keys=com.acme.Auth_BulwarkKeys:key0,key1,-\n",
                compilation.generatedFile(StandardLocation.CLASS_OUTPUT, "", "META-INF/bulwark/index/com.acme.Auth")
                        .orElseThrow().getCharContent(true).toString());
        assertThat(compilation).generatedSourceFile("com.acme.Auth_BulwarkKeys").hasSourceEquivalentTo(
                JavaFileObjects.forSourceLines("com.acme.Auth_BulwarkKeys",
                        "package com.acme;",
                        "import io.bulwark.Bulwark;",
                        "import io.bulwark.internal.KeyFraming;",
                        "import javax.annotation.processing.Generated;",
                        "@Generated(\"io.bulwark.processor.BulwarkProcessor\")",
                        "public final class Auth_BulwarkKeys {",
                        "  private Auth_BulwarkKeys() {}",
                        "  public static String key0(Object[] args) {",
                        "    StringBuilder key = new StringBuilder(32);",
                        "    String a0 = (String) args[0];",
                        "    KeyFraming.append(key, a0);",
                        "    return key.toString();",
                        "  }",
                        "  public static String key1(Object[] args) {",
                        "    StringBuilder key = new StringBuilder(32);",
                        "    KeyFraming.append(key, Bulwark.caller().org());",
                        "    Auth.Request a1 = (Auth.Request) args[2];",
                        "    Auth.User a1_1 = a1 == null ? null : a1.user();",
                        "    String a1_2 = a1_1 == null ? null : a1_1.id();",
                        "    KeyFraming.append(key, a1_2);",
                        "    return key.toString();",
                        "  }",
                        "}"));
    }

    @Test
    void keysOfEveryKindAreRenderedLikeTheRuntimeRendersThem() {
        JavaFileObject source = JavaFileObjects.forSourceLines("com.acme.Kinds",
                "package com.acme;",
                "import io.bulwark.*;",
                "public class Kinds {",
                "    public enum Tier { GOLD }",
                "    @RateLimited(name = \"kinds\", limit = 5, window = \"1m\", key = "
                        + "\"{id}:{tier}:{ref}:{ok}:{name}\")",
                "    void call(long id, Tier tier, java.util.UUID ref, boolean ok, CharSequence name) { }",
                "}");
        Compilation compilation = compile(source);
        assertThat(compilation).succeededWithoutWarnings();
        assertThat(compilation).generatedSourceFile("com.acme.Kinds_BulwarkKeys").contentsAsUtf8String()
                .contains("KeyFraming.append(key, a1 == null ? null : a1.name());");
        assertThat(compilation).generatedSourceFile("com.acme.Kinds_BulwarkKeys").contentsAsUtf8String()
                .contains("Long a0 = (Long) args[0];");
    }

    @Test
    void aMistypedParameterFailsAtItsLineWithASuggestion() {
        JavaFileObject auth = auth("@RateLimited(name = \"login\", limit = 5, window = \"5m\", key = \"{emial}\")");
        assertError(compile(auth), auth, lineOf(auth, "@RateLimited"), "key '{emial}': {emial} names no parameter: "
                + "expected one of email, password, request or a caller field such as {caller.ip}; did you mean "
                + "'email'?");
    }

    @Test
    void theErrorPointsAtTheOffendingValue() {
        JavaFileObject auth = auth("@RateLimited(name = \"login\", limit = 5, window = \"5m\", key = \"{emial}\")");
        Compilation compilation = compile(auth);
        Diagnostic<? extends JavaFileObject> error = compilation.errors().get(0);
        String line = "    @RateLimited(name = \"login\", limit = 5, window = \"5m\", key = \"{emial}\")";
        assertEquals(line.indexOf("\"{emial}\"") + 1, error.getColumnNumber(), error.toString());
    }

    @Test
    void anUnknownPropertyFailsWithASuggestion() {
        JavaFileObject auth = auth("@RateLimited(limit = 5, window = \"5m\", key = \"{request.usr.id}\")");
        assertError(compile(auth), auth, lineOf(auth, "@RateLimited"), "key '{request.usr.id}': com.acme.Auth$Request "
                + "has no "
                + "readable property 'usr' (expected a record component, getUsr()/isUsr() or a public usr()); did you "
                + "mean 'user'?");
    }

    @Test
    void aValueWithoutAStableTextFormFails() {
        JavaFileObject auth = auth("@RateLimited(limit = 5, window = \"5m\", key = \"{request.user.roles}\")");
        assertError(compile(auth), auth, lineOf(auth, "@RateLimited"), "key '{request.user.roles}': "
                + "{request.user.roles} is a "
                + "java.util.List, which has no stable text form");
    }

    @Test
    void templateSyntaxAndCallerFieldsAreChecked() {
        JavaFileObject unclosed = auth("@RateLimited(limit = 5, window = \"5m\", key = \"{email\")");
        assertError(compile(unclosed), unclosed, lineOf(unclosed, "@RateLimited"), "key '{email': '{' at column 0 is "
                + "never closed");
        JavaFileObject caller = auth("@RateLimited(limit = 5, window = \"5m\", key = \"{caller.emial}\")");
        assertError(compile(caller), caller, lineOf(caller, "@RateLimited"), "is not a caller field: expected one of "
                + "{caller.user}, "
                + "{caller.email}, {caller.ip}, {caller.org}, {caller.session}; did you mean 'email'?");
    }

    @Test
    void durationsThatDoNotParseFailAtTheirValue() {
        JavaFileObject window = auth("@RateLimited(limit = 5, window = \"5 minutes\")");
        assertError(compile(window), window, lineOf(window, "@RateLimited"), "window = '5 minutes' is not a duration: "
                + "expected a "
                + "duration such as 30s, 5m, 1h, 1d, 1h30m, 500ms or ISO-8601 PT5M, at most 366d");
        JavaFileObject zero = auth("@RateLimited(limit = 5, window = \"0\")");
        assertError(compile(zero), zero, lineOf(zero, "@RateLimited"), "window = '0': expected a positive duration");
        JavaFileObject lockout = auth("@RateLimited(limit = 5, window = \"5m\", count = Count.FAILURES, lockout = "
                + "\"soon\")");
        assertError(compile(lockout), lockout, lineOf(lockout, "@RateLimited"), "lockout = 'soon' is not a duration");
    }

    @Test
    void aStepUpIsIndexedWithTheMethodsOtherGuards() throws IOException {
        JavaFileObject auth = auth("@Requires2FA(maxAge = \"5m\")",
                "@RateLimited(name = \"login\", limit = 5, window = \"5m\")",
                "@Audited(action = \"user.login\", capture = Capture.METADATA)");
        Compilation compilation = compile(auth);
        assertThat(compilation).succeededWithoutWarnings();
        assertEquals("# bulwark-index 1\n"
                + "com.acme.Auth login (Ljava/lang/String;Ljava/lang/String;Lcom/acme/Auth$Request;)Ljava/lang/String; "
                + "RateLimited,Requires2FA,Audited\n",
                compilation.generatedFile(StandardLocation.CLASS_OUTPUT, "", "META-INF/bulwark/index/com.acme.Auth")
                        .orElseThrow().getCharContent(true).toString());
        JavaFileObject alone = auth("@Requires2FA(maxAge = \"0\")");
        Compilation aloneCompiled = compile(alone);
        assertThat(aloneCompiled).succeededWithoutWarnings();
        assertTrue(aloneCompiled.generatedFile(StandardLocation.CLASS_OUTPUT, "",
                "META-INF/bulwark/index/com.acme.Auth")
                .orElseThrow().getCharContent(true).toString().endsWith(" Requires2FA\n"));
    }

    @Test
    void aStepUpMaxAgeMustParseAndStayWithinADay() {
        JavaFileObject words = auth("@Requires2FA(maxAge = \"5 minutes\")");
        assertError(compile(words), words, lineOf(words, "@Requires2FA"), "maxAge = '5 minutes': expected 0 (a code on "
                + "every call) "
                + "or a duration up to 24h such as 30s, 5m or 1h");
        JavaFileObject week = auth("@Requires2FA(maxAge = \"7d\")");
        assertError(compile(week), week, lineOf(week, "@Requires2FA"), "maxAge = '7d': expected 0");
    }

    @Test
    void aStepUpOnAMethodWithoutABodyFails() {
        JavaFileObject source = JavaFileObjects.forSourceLines("com.acme.Bank", "package com.acme;",
                "import io.bulwark.*;",
                "public interface Bank {",
                "    @Requires2FA",
                "    void transfer();",
                "}");
        assertError(compile(source), source, lineOf(source, "@Requires2FA"), "@Requires2FA on "
                + "com.acme.Bank.transfer() is not enforced: an "
                + "abstract method has no body to guard");
    }

    @Test
    void limitsMustBeAtLeastOneAndAtMostOnePerMicrosecond() {
        JavaFileObject zero = auth("@RateLimited(limit = 0, window = \"5m\")");
        assertError(compile(zero), zero, lineOf(zero, "@RateLimited"), "limit = 0: expected at least 1");
        JavaFileObject fine = auth("@RateLimited(limit = 2000000, window = \"1s\")");
        assertError(compile(fine), fine, lineOf(fine, "@RateLimited"), "limit = 2000000 per window 1s: expected at "
                + "most one call "
                + "per microsecond");
    }

    @Test
    void failureSettingsNeedCountFailures() {
        JavaFileObject lockout = auth("@RateLimited(limit = 5, window = \"5m\", lockout = \"15m\")");
        assertError(compile(lockout), lockout, lineOf(lockout, "@RateLimited"), "lockout = '15m' needs count = "
                + "FAILURES: with count = "
                + "CALLS there are no failures to count");
        JavaFileObject failureOn = auth("@RateLimited(limit = 5, window = \"5m\", failureOn = "
                + "SecurityException.class)");
        assertError(compile(failureOn), failureOn, lineOf(failureOn, "@RateLimited"), "failureOn needs count = "
                + "FAILURES");
        JavaFileObject reset = auth("@RateLimited(limit = 5, window = \"5m\", resetOnSuccess = true)");
        assertError(compile(reset), reset, lineOf(reset, "@RateLimited"), "resetOnSuccess = true needs count = "
                + "FAILURES");
        JavaFileObject large = auth("@RateLimited(limit = 5000, window = \"5m\", count = Count.FAILURES)");
        assertError(compile(large), large, lineOf(large, "@RateLimited"), "limit = 5000 with count = FAILURES: "
                + "expected at most 1000");
    }

    @Test
    void policyNamesAreChecked() {
        JavaFileObject bad = auth("@RateLimited(name = \"bad name!\", limit = 5, window = \"5m\")");
        assertError(compile(bad), bad, lineOf(bad, "@RateLimited"), "name = 'bad name!': expected 1 to 128 letters, "
                + "digits, '.', '_', '$' or '-'");
        JavaFileObject twice = auth("@RateLimited(name = \"x\", limit = 5, window = \"5m\")",
                "@RateLimited(name = \"x\", limit = 6, window = \"5m\")");
        // Repeated annotations sit in a container javac synthesizes: their diagnostics land on the method's line.
        assertError(compile(twice), twice, lineOf(twice, "public String login("), "policy 'x' is declared twice on the "
                + "method");
    }

    @Test
    void aPolicyNameDeclaredDifferentlyElsewhereInTheCompilationFails() {
        JavaFileObject first = JavaFileObjects.forSourceLines("com.acme.A", "package com.acme;",
                "import io.bulwark.*;",
                "class A { @RateLimited(name = \"api\", limit = 100, window = \"1m\") void a() { } }");
        JavaFileObject second = JavaFileObjects.forSourceLines("com.acme.B", "package com.acme;",
                "import io.bulwark.*;",
                "class B {",
                "    @RateLimited(name = \"api\", limit = 10, window = \"1m\") void b() { }",
                "}");
        assertError(compile(first, second), second, lineOf(second, "@RateLimited"), "policy 'api' is already "
                + "declared differently by "
                + "com.acme.A.a() (100 per 1m, key ''): methods sharing a policy name share its counters and must "
                + "declare it alike");
    }

    @Test
    void aPolicyDeclaredAlikeOnSeveralMethodsIsOneSharedQuota() {
        JavaFileObject first = JavaFileObjects.forSourceLines("com.acme.A", "package com.acme;",
                "import io.bulwark.*;",
                "class A { @RateLimited(name = \"api\", limit = 100, window = \"1m\") void a() { } }");
        JavaFileObject second = JavaFileObjects.forSourceLines("com.acme.B", "package com.acme;",
                "import io.bulwark.*;",
                "class B { @RateLimited(name = \"api\", limit = 100, window = \"60s\") void b() { } }");
        assertThat(compile(first, second)).succeededWithoutWarnings();
    }

    @Test
    void guardsOnMethodsWithoutABodyFail() {
        JavaFileObject source = JavaFileObjects.forSourceLines("com.acme.Api", "package com.acme;",
                "import io.bulwark.*;",
                "public interface Api {",
                "    @RateLimited(limit = 5, window = \"5m\")",
                "    String call();",
                "    abstract class Base {",
                "        @RateLimited(limit = 5, window = \"5m\")",
                "        abstract String call();",
                "        @RateLimited(limit = 5, window = \"5m\")",
                "        native String nativeCall();",
                "    }",
                "}");
        Compilation compilation = compile(source);
        // Each diagnostic is on the annotation, the line above the method it guards.
        assertError(compilation, source, lineOf(source, "    String call();") - 1,
                "@RateLimited on com.acme.Api.call() is not enforced: an abstract method has "
                + "no body to guard; annotate the implementing method instead");
        assertError(compilation, source, lineOf(source, "abstract String call()") - 1,
                "@RateLimited on com.acme.Api$Base.call() is not enforced");
        assertError(compilation, source, lineOf(source, "native String nativeCall()") - 1,
                "a native method has no body to guard");
    }

    @Test
    void aTypeThatDoesNotCompileIsLeftToJavacAndTheProcessorDoesNotFail() {
        JavaFileObject source = JavaFileObjects.forSourceLines("com.acme.Broken", "package com.acme;",
                "import io.bulwark.*;",
                "class Broken { @RateLimited(limit = 5, window = \"5m\", key = \"{r.id}\") void call(Missing r) { } }");
        Compilation compilation = compile(source);
        assertThat(compilation).failed();
        assertThat(compilation).hadErrorContaining("cannot find symbol");
        assertTrue(compilation.errors().stream().noneMatch(d -> d.getMessage(null).contains("Bulwark's processor "
                + "failed")),
                compilation.errors().toString());
    }

    @Test
    void aTypeTheGeneratedClassCannotSeeLeavesThatKeyToTheRuntime() throws IOException {
        JavaFileObject source = JavaFileObjects.forSourceLines("com.acme.Hidden", "package com.acme;",
                "import io.bulwark.*;",
                "public class Hidden {",
                "    private record Secretive(String id) { }",
                "    @RateLimited(name = \"hidden\", limit = 5, window = \"5m\", key = \"{r.id}\")",
                "    @RateLimited(name = \"plain\", limit = 5, window = \"5m\", key = \"{caller.user}\")",
                "    void call(Secretive r) { }",
                "}");
        Compilation compilation = compile(source);
        assertThat(compilation).succeededWithoutWarnings();
        assertTrue(compilation.generatedFile(StandardLocation.CLASS_OUTPUT, "",
                "META-INF/bulwark/index/com.acme.Hidden")
                .orElseThrow().getCharContent(true).toString().contains("keys=com.acme.Hidden_BulwarkKeys:-,key0"));
    }

    @Test
    void theOutputIsTheSameEveryTime() throws IOException {
        String[] annotation = {"@RateLimited(name = \"b\", limit = 5, window = \"5m\", key = \"{email}\")",
            "@RateLimited(name = \"a\", limit = 5, window = \"5m\", key = \"{password}\")"};
        Compilation one = compile(auth(annotation));
        Compilation two = compile(auth(annotation));
        assertEquals(one.generatedSourceFile("com.acme.Auth_BulwarkKeys").orElseThrow().getCharContent(true).toString(),
                two.generatedSourceFile("com.acme.Auth_BulwarkKeys").orElseThrow().getCharContent(true).toString());
        assertEquals(index(one), index(two));
    }

    private static String index(Compilation c) throws IOException {
        return c.generatedFile(StandardLocation.CLASS_OUTPUT, "", "META-INF/bulwark/index/com.acme.Auth").orElseThrow()
                .getCharContent(true).toString();
    }

    @Test
    void aClassWithoutGuardsGetsNothing() {
        Compilation compilation = compile(JavaFileObjects.forSourceLines("com.acme.Plain", "package com.acme;",
                "class Plain { void call() { } }"));
        assertThat(compilation).succeededWithoutWarnings();
        assertFalse(compilation.generatedFile(StandardLocation.CLASS_OUTPUT, "",
                "META-INF/bulwark/index/com.acme.Plain")
                .isPresent());
        assertEquals(List.of(), compilation.generatedSourceFiles());
    }

    @Test
    void itSupportsTheLatestSourceVersionAndDeclaresItselfIsolatingForGradle() throws IOException {
        assertEquals(SourceVersion.latestSupported(), new BulwarkProcessor().getSupportedSourceVersion());
        try (InputStream in = BulwarkProcessor.class.getClassLoader()
                .getResourceAsStream("META-INF/gradle/incremental.annotation.processors")) {
            assertEquals("io.bulwark.processor.BulwarkProcessor,isolating",
                    new String(in.readAllBytes(), StandardCharsets.UTF_8).strip());
        }
    }

    /** {@code com.acme.Bank}: records to capture, and {@code lines} inside the class from line 8 on. */
    private static JavaFileObject bank(String... lines) {
        List<String> source = new java.util.ArrayList<>(List.of(
                "package com.acme;",
                "import io.bulwark.*;",
                "public class Bank {",
                "    public record Card(String holder, @Redact(mode = Redact.Mode.HASH) String number, @Redact "
                        + "String cvc) { }",
                "    public record Transfer(String from, String to, long cents, Card card) { }",
                "    public enum Channel { WEB, APP }",
                "    private record Hidden(String id) { }"));
        source.addAll(List.of(lines));
        source.add("}");
        return JavaFileObjects.forSourceLines("com.acme.Bank", source.toArray(String[]::new));
    }

    @Test
    void anAuditedMethodCompilesCleanlyWithItsIndexLineAndGeneratedCapture() throws IOException {
        JavaFileObject bank = bank(
                "    @RateLimited(name = \"transfer\", limit = 10, window = \"1m\", key = \"{caller.user}\")",
                "    @Audited(action = \"transfer.create\", resourceType = \"account\", resourceId = "
                        + "\"acct-{t.from}\",",
                "            resourceName = \"{caller.org}/{t.to}\", capture = Capture.ARGS_AND_RESULT)",
                "    public long transfer(Transfer t, Channel channel, @Redact(mode = Redact.Mode.DROP) String pin,",
                "            @Redact String password) { return 1; }",
                "    @Audited(action = \"user.logout\", capture = Capture.NONE)",
                "    public void logout() { }");
        Compilation compilation = compile(bank);
        assertThat(compilation).succeededWithoutWarnings();
        assertEquals("# bulwark-index 1\n"
                + "com.acme.Bank logout ()V Audited\n"
                + "com.acme.Bank transfer (Lcom/acme/Bank$Transfer;Lcom/acme/Bank$Channel;Ljava/lang/String;"
                + "Ljava/lang/String;)J RateLimited,Audited keys=com.acme.Bank_BulwarkKeys:key0 "
                + "audit=com.acme.Bank_BulwarkKeys:res0,res1,args0\n",
                compilation.generatedFile(StandardLocation.CLASS_OUTPUT, "", "META-INF/bulwark/index/com.acme.Bank")
                        .orElseThrow().getCharContent(true).toString());
        assertThat(compilation).generatedSourceFile("com.acme.Bank_BulwarkKeys").hasSourceEquivalentTo(
                JavaFileObjects.forSourceLines("com.acme.Bank_BulwarkKeys",
                        "package com.acme;",
                        "import io.bulwark.Bulwark;",
                        "import io.bulwark.Redact;",
                        "import io.bulwark.internal.AuditSink;",
                        "import io.bulwark.internal.KeyFraming;",
                        "import javax.annotation.processing.Generated;",
                        "@Generated(\"io.bulwark.processor.BulwarkProcessor\")",
                        "public final class Bank_BulwarkKeys {",
                        "    private Bank_BulwarkKeys() { }",
                        "    public static String key0(Object[] args) {",
                        "        StringBuilder key = new StringBuilder(32);",
                        "        KeyFraming.append(key, Bulwark.caller().user());",
                        "        return key.toString();",
                        "    }",
                        "    public static String res0(Object[] args) {",
                        "        StringBuilder text = new StringBuilder(32);",
                        "        boolean any = false;",
                        "        text.append(\"acct-\");",
                        "        Bank.Transfer a1 = (Bank.Transfer) args[0];",
                        "        String a1_1 = a1 == null ? null : a1.from();",
                        "        String v1 = a1_1;",
                        "        if (v1 != null) { any = true; text.append(v1); }",
                        "        return any ? text.toString() : null;",
                        "    }",
                        "    public static String res1(Object[] args) {",
                        "        StringBuilder text = new StringBuilder(32);",
                        "        boolean any = false;",
                        "        String v0 = Bulwark.caller().org();",
                        "        if (v0 != null) { any = true; text.append(v0); }",
                        "        text.append(\"/\");",
                        "        Bank.Transfer a2 = (Bank.Transfer) args[0];",
                        "        String a2_1 = a2 == null ? null : a2.to();",
                        "        String v2 = a2_1;",
                        "        if (v2 != null) { any = true; text.append(v2); }",
                        "        return any ? text.toString() : null;",
                        "    }",
                        "    public static void args0(Object[] args, AuditSink sink) {",
                        "        sink.member(\"t\");",
                        "        Bank.Transfer a0 = (Bank.Transfer) args[0];",
                        "        if (a0 == null) { sink.value(null); } else {",
                        "            sink.beginObject();",
                        "            sink.member(\"from\"); sink.value(a0.from());",
                        "            sink.member(\"to\"); sink.value(a0.to());",
                        "            sink.member(\"cents\"); sink.value(a0.cents());",
                        "            sink.member(\"card\");",
                        "            Bank.Card a0_card = a0.card();",
                        "            if (a0_card == null) { sink.value(null); } else {",
                        "                sink.beginObject();",
                        "                sink.member(\"holder\"); sink.value(a0_card.holder());",
                        "                sink.secret(a0_card.number());",
                        "                sink.member(\"number\"); sink.redacted(Redact.Mode.HASH, a0_card.number());",
                        "                sink.secret(a0_card.cvc());",
                        "                sink.member(\"cvc\"); sink.redacted(Redact.Mode.MASK, null);",
                        "                sink.endObject();",
                        "            }",
                        "            sink.endObject();",
                        "        }",
                        "        sink.member(\"channel\"); sink.value(args[1]);",
                        "        sink.secret(args[2]);",
                        "        sink.secret(args[3]);",
                        "        sink.member(\"password\"); sink.redacted(Redact.Mode.MASK, null);",
                        "    }",
                        "}"));
    }

    @Test
    void anUnredactedPasswordFailsAtItsParameter() {
        JavaFileObject bank = bank(
                "    @Audited(action = \"user.login\", resourceType = \"user\", resourceId = \"{email}\")",
                "    public void login(String email,",
                "            String password) { }");
        Compilation compilation = compile(bank);
        assertError(compilation, bank, lineOf(bank, "String password"), "parameter 'password' looks secret and "
                + "@Audited(capture = ARGS) would "
                + "record it: annotate it @Redact, capture less, or suppress with "
                + "@SuppressWarnings(\"bulwark:unredacted\")");
    }

    @Test
    void secretLookingParametersAreFineWhenRedactedNotCapturedOrSuppressed() {
        assertThat(compile(bank(
                "    @Audited(action = \"user.login\") public void a(String email, @Redact String newPassword) { }",
                "    @Audited(action = \"user.login\", capture = Capture.METADATA) public void b(String apiKey) { }",
                "    @Audited(action = \"user.login\") @SuppressWarnings(\"bulwark:unredacted\")",
                "    public void c(String tokenCount) { }",
                "    @Audited(action = \"user.login\") public void d(@SuppressWarnings(\"bulwark:unredacted\") "
                        + "String otp) { }",
                "    @Audited(action = \"user.login\") public void e(String opinion, String spinner) { }",
                "    @Audited(action = \"user.login\") public void f(String pinned, String compass, String zipCode) "
                        + "{ }")))
                .succeededWithoutWarnings();
    }

    @Test
    void secretsAreRecognisedByTheWordsOfTheirNamesAsTheRuntimeDoes() {
        JavaFileObject bank = bank(
                "    @Audited(action = \"user.login\")",
                "    public void login(String passWord,",
                "            String mfaCode,",
                "            String sessionId,",
                "            String jwt,",
                "            String pin) { }");
        Compilation compilation = compile(bank);
        for (String name : new String[] {"passWord", "mfaCode", "sessionId", "jwt", "pin"}) {
            assertTrue(io.bulwark.rules.SecretNames.looksSecret(name), name);
            assertError(compilation, bank, lineOf(bank, "String " + name), "parameter '" + name + "' looks secret "
                    + "and @Audited(capture = ARGS) "
                    + "would record it: annotate it @Redact, capture less, or suppress with "
                    + "@SuppressWarnings(\"bulwark:unredacted\")");
        }
    }

    @Test
    void resourceTemplatesAreCheckedLikeKeys() {
        JavaFileObject bank = bank(
                "    @Audited(action = \"transfer.create\", resourceId = \"{t.form}\")",
                "    public void transfer(Transfer t) { }");
        assertError(compile(bank), bank, lineOf(bank, "@Audited"), "resourceId '{t.form}': com.acme.Bank$Transfer "
                + "has no readable property "
                + "'form' (expected a record component, getForm()/isForm() or a public form()); did you mean 'from'?");
    }

    @Test
    void aTemplateNamingARedactedValueFails() {
        JavaFileObject bank = bank(
                "    @Audited(action = \"card.use\", resourceId = \"{card.number}\")",
                "    public void use(Card card) { }",
                "    @RateLimited(limit = 5, window = \"1m\", key = \"{password}\")",
                "    public void login(@Redact String password) { }");
        Compilation compilation = compile(bank);
        assertError(compilation, bank, lineOf(bank, "{card.number}"), "resourceId '{card.number}': {card.number} is "
                + "@Redact: a redacted value never "
                + "goes into a key or a resource's id or name");
        assertError(compilation, bank, lineOf(bank, "{password}"), "key '{password}': {password} is @Redact");
    }

    @Test
    void actionsAndResourceTypesAreChecked() {
        JavaFileObject bank = bank(
                "    @Audited(action = \"login\", resourceType = \"user account\")",
                "    public void login() { }");
        Compilation compilation = compile(bank);
        assertError(compilation, bank, lineOf(bank, "@Audited"), "action = 'login': expected noun.verb such as "
                + "'user.login'");
        assertError(compilation, bank, lineOf(bank, "@Audited"), "resourceType = 'user account': expected letters, "
                + "digits, '.', '_' or '-'");
    }

    @Test
    void redactWhereNothingIsCapturedIsAWarning() {
        JavaFileObject bank = bank(
                "    @RateLimited(limit = 5, window = \"1m\") public void a(@Redact String password) { }",
                "    @Audited(action = \"a.b\", capture = Capture.NONE) public void b(@Redact String password) { }",
                "    @Audited(action = \"a.b\") public void c(@Redact String password) { }");
        Compilation compilation = compile(bank);
        assertThat(compilation).succeeded();
        assertThat(compilation).hadWarningContaining("@Redact on 'password' has no effect on the audit record: the "
                + "method is not @Audited; it still keeps the value out of keys")
                .inFile(bank).onLine(lineOf(bank, "void a("));
        assertThat(compilation).hadWarningContaining("@Audited(capture = NONE) captures no argument values")
                .inFile(bank).onLine(lineOf(bank, "void b("));
        assertEquals(2, compilation.warnings().size(), compilation.warnings().toString());
    }

    @Test
    void anAuditedAbstractMethodFails() {
        JavaFileObject source = JavaFileObjects.forSourceLines("com.acme.Api", "package com.acme;",
                "import io.bulwark.*;",
                "public interface Api {",
                "    @Audited(action = \"a.b\")",
                "    void call();",
                "}");
        assertError(compile(source), source, lineOf(source, "@Audited"), "@Audited on com.acme.Api.call() is not "
                + "enforced: an abstract method "
                + "has no body to guard");
    }

    @Test
    void aRecordTheGeneratedClassCannotSeeIsLeftToTheRuntimesCapture() throws IOException {
        Compilation compilation = compile(bank(
                "    @Audited(action = \"a.b\") void call(Hidden h) { }"));
        assertThat(compilation).succeededWithoutWarnings();
        String generated = compilation.generatedSourceFile("com.acme.Bank_BulwarkKeys").orElseThrow()
                .getCharContent(true).toString();
        assertTrue(generated.contains("sink.value(args[0]);"), generated);
    }

    /** Stand-ins for Reactor's publishers and Kotlin's continuation: all the processor looks at is their names. */
    private static final JavaFileObject MONO = JavaFileObjects.forSourceLines("reactor.core.publisher.Mono",
            "package reactor.core.publisher;", "public abstract class Mono<T> { }");
    private static final JavaFileObject FLUX = JavaFileObjects.forSourceLines("reactor.core.publisher.Flux",
            "package reactor.core.publisher;", "public abstract class Flux<T> { }");
    private static final JavaFileObject CONTINUATION = JavaFileObjects.forSourceLines("kotlin.coroutines.Continuation",
            "package kotlin.coroutines;", "public interface Continuation<T> { }");

    /** {@code com.acme.Async} with one method: the annotation on line 5, the method on line 6. */
    private static JavaFileObject async(String annotation, String method) {
        return JavaFileObjects.forSourceLines("com.acme.Async", "package com.acme;",
                "import io.bulwark.*;",
                "import java.util.concurrent.*;",
                "public class Async {",
                "    " + annotation,
                "    " + method,
                "    public static class MyFuture<T> extends CompletableFuture<T> { }",
                "    public static class MyMono<T> extends reactor.core.publisher.Mono<T> { }",
                "}");
    }

    private static final String LOCKOUT = "@RateLimited(name = \"login\", limit = 3, window = \"5m\", key = "
            + "\"{email}\", "
            + "count = Count.FAILURES, lockout = \"15m\")";

    @Test
    void outcomesOfStagesAndReactorPublishersAreFollowedSoTheirGuardsCompile() {
        for (String method : List.of(
                "public CompletableFuture<String> login(String email) { return null; }",
                "public CompletionStage<String> login(String email) { return null; }",
                "public reactor.core.publisher.Mono<String> login(String email) { return null; }",
                "public reactor.core.publisher.Flux<String> login(String email) { return null; }")) {
            Compilation compilation = javac().withProcessors(new BulwarkProcessor())
                    .compile(async(LOCKOUT + " @Audited(action = \"user.login\")", method), MONO, FLUX);
            assertThat(compilation).succeededWithoutWarnings();
        }
    }

    @Test
    void countingFailuresOfAFutureFailsAtTheCountValue() {
        JavaFileObject source = async(LOCKOUT, "public Future<String> login(String email) { return null; }");
        assertError(compile(source), source, lineOf(source, "count = Count.FAILURES"), "count = FAILURES needs the "
                + "outcome of each call, but the method "
                + "returns java.util.concurrent.Future, whose outcome Bulwark cannot follow: return CompletionStage, "
                + "CompletableFuture, or Reactor's Mono or Flux (or use count = CALLS without @Audited)");
    }

    @Test
    void auditingSubclassesOfFollowedTypesAndKotlinSuspendFunctionsFails() {
        JavaFileObject myFuture = async("@Audited(action = \"user.login\")",
                "public MyFuture<String> login(String email) { return null; }");
        Compilation futureCompiled = javac().withProcessors(new BulwarkProcessor()).compile(myFuture, MONO);
        assertThat(futureCompiled).failed();
        assertThat(futureCompiled).hadErrorContaining("@Audited needs the outcome of each call, but the method returns "
                + "com.acme.Async.MyFuture").inFile(myFuture).onLine(lineOf(myFuture, "@Audited"));
        JavaFileObject myMono = async("@Audited(action = \"user.login\")",
                "public MyMono<String> login(String email) { return null; }");
        Compilation monoCompiled = javac().withProcessors(new BulwarkProcessor()).compile(myMono, MONO);
        assertThat(monoCompiled).hadErrorContaining("returns com.acme.Async.MyMono").inFile(myMono)
                .onLine(lineOf(myMono, "@Audited"));
        JavaFileObject suspend = async("@Audited(action = \"user.login\")",
                "public Object login(String email, kotlin.coroutines.Continuation<? super String> c) { return null; }");
        Compilation suspendCompiled = javac().withProcessors(new BulwarkProcessor()).compile(suspend, MONO,
                CONTINUATION);
        assertThat(suspendCompiled).hadErrorContaining("@Audited needs the outcome of each call, but the method is a "
                + "Kotlin suspend function").inFile(suspend).onLine(lineOf(suspend, "@Audited"));
    }

    @Test
    void aQuotaAloneOnAFutureIsCheckedAtTheCallAndCompiles() {
        Compilation compilation = javac().withProcessors(new BulwarkProcessor()).compile(async(
                "@RateLimited(name = \"api\", limit = 3, window = \"1m\")",
                "public Future<String> fetch() { return null; }"), MONO);
        assertThat(compilation).succeededWithoutWarnings();
    }
}
