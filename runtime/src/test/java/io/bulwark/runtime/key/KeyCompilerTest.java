package io.bulwark.runtime.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.Bulwark;
import io.bulwark.Caller;
import io.bulwark.GuardUnavailableException;
import io.bulwark.rules.Template;
import io.bulwark.rules.key.Parameter;
import io.bulwark.rules.key.TypeModel;
import io.bulwark.runtime.InvalidGuardException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class KeyCompilerTest {

    public enum Plan { FREE, PRO }

    public record User(String id, Plan plan, boolean active) {
    }

    public record Transfer(User user, long amount, UUID reference) {
    }

    /** A JavaBean, with a getter that fails. */
    public static final class Form {
        private final String email;

        public Form(String email) {
            this.email = email;
        }

        public String getEmail() {
            return email;
        }

        public boolean isRemember() {
            return true;
        }

        public String getSecret() {
            throw new IllegalStateException("do not read: hunter2");
        }
    }

    private static final TypeModel TYPES = new ReflectiveTypeModel();
    private static final List<Parameter> LOGIN = List.of(new Parameter("email", "java.lang.String"),
            new Parameter("password", "java.lang.String"));
    private static final List<Parameter> TRANSFER = List.of(new Parameter("request", Transfer.class.getName()),
            new Parameter("form", Form.class.getName()), new Parameter("count", "int"));

    private static KeyExtractor compile(String template, List<Parameter> parameters) throws InvalidGuardException {
        return KeyCompiler.compile(template, "policy", parameters, TYPES, KeyCompilerTest.class.getClassLoader());
    }

    private static String invalid(String template, List<Parameter> parameters) {
        return assertThrows(InvalidGuardException.class, () -> compile(template, parameters)).getMessage();
    }

    @Test
    void emptyTemplateIsOneGlobalCounter() throws Exception {
        assertSame(KeyExtractor.GLOBAL, compile("", LOGIN));
        assertSame(KeyExtractor.GLOBAL, compile("literal-only", LOGIN));
    }

    @Test
    void readsAParameterByName() throws Exception {
        KeyExtractor key = compile("{email}", LOGIN);
        assertTrue(key.readsArguments());
        assertEquals("17:alice@example.com", key.extract(new Object[] {"alice@example.com", "pw"}));
    }

    /** Issue 16: the woven call of a key of one argument passes that argument alone; it renders the same key. */
    @Test
    void aKeyOfOneArgumentRendersTheSameFromThatArgumentAlone() throws Exception {
        Transfer transfer = new Transfer(new User("u-7", Plan.PRO, true), 250, new UUID(1, 2));
        Object[] args = {transfer, new Form(" Bob@Example.com"), 3};
        for (String template : List.of("{request.user.plan}", "x-{form.email:trim:lower}", "{count}")) {
            KeyExtractor key = compile(template, TRANSFER);
            int argument = key.argument();
            assertTrue(argument >= 0, template);
            assertEquals(key.extract(args), key.extractArgument(args[argument]), template);
            assertEquals(key.text(args), key.textOfArgument(args[argument]), template);
        }
        assertEquals("-", compile("{form.email}", TRANSFER).extractArgument(new Form(null)));
        assertEquals(-1, compile("{request.amount}:{count}", TRANSFER).argument());
        assertEquals(-1, compile("{caller.user}", TRANSFER).argument());
        assertEquals(-1, compile("", TRANSFER).argument());
    }

    @Test
    void readsNestedRecordComponentsGettersEnumsAndNumbers() throws Exception {
        Transfer transfer = new Transfer(new User("u-7", Plan.PRO, true), 250, new UUID(1, 2));
        Object[] args = {transfer, new Form("bob@example.com"), 3};
        assertEquals("3:u-7", compile("{request.user.id}", TRANSFER).extract(args));
        assertEquals("3:PRO", compile("{request.user.plan}", TRANSFER).extract(args));
        assertEquals("4:true", compile("{request.user.active}", TRANSFER).extract(args));
        assertEquals("3:250", compile("{request.amount}", TRANSFER).extract(args));
        assertEquals("36:" + new UUID(1, 2), compile("{request.reference}", TRANSFER).extract(args));
        assertEquals("15:bob@example.com", compile("{form.email}", TRANSFER).extract(args));
        assertEquals("4:true", compile("{form.remember}", TRANSFER).extract(args));
        assertEquals("1:3", compile("{count}", TRANSFER).extract(args));
    }

    @Test
    void aNullAnywhereOnThePathIsItsOwnKeyDistinctFromTheText() throws Exception {
        KeyExtractor key = compile("{request.user.id}", TRANSFER);
        assertEquals("-", key.extract(new Object[] {new Transfer(null, 1, null), null, 0}));
        assertEquals("-", key.extract(new Object[] {null, null, 0}));
        assertEquals("4:null", key.extract(new Object[] {new Transfer(new User("null", Plan.FREE, true), 1, null),
                null, 0}));
    }

    @Test
    void readsTheBoundCaller() throws Exception {
        KeyExtractor key = compile("{caller.org}:{caller.ip}", LOGIN);
        assertEquals(false, key.readsArguments());
        try (Bulwark.Scope scope = Bulwark.bind(Caller.of("u1").org("acme").ip("203.0.113.5"))) {
            assertEquals("4:acme11:203.0.113.5", key.extract(null));
        }
        assertEquals("--", key.extract(null));
    }

    @Test
    void framingKeepsPartsFromRunningIntoEachOther() throws Exception {
        KeyExtractor key = compile("{caller.org}:{email}", LOGIN);
        String a;
        String b;
        try (Bulwark.Scope scope = Bulwark.bind(Caller.anonymous().org("acme:x"))) {
            a = key.extract(new Object[] {"y", ""});
        }
        try (Bulwark.Scope scope = Bulwark.bind(Caller.anonymous().org("acme"))) {
            b = key.extract(new Object[] {"x:y", ""});
        }
        assertNotEquals(a, b);
    }

    @Test
    void everyCallerFieldOfTheGrammarIsReadable() {
        assertEquals(Template.CALLER_FIELDS,
                Arrays.stream(CallerField.values()).map(f -> f.name().toLowerCase(Locale.ROOT)).toList());
    }

    @Test
    void unknownParameterIsAnErrorWithASuggestion() {
        assertEquals("key '{emial}': {emial} names no parameter: expected one of email, password or a caller field "
                + "such as {caller.ip}; did you mean 'email'?", invalid("{emial}", LOGIN));
    }

    @Test
    void missingParameterNamesAreAnErrorNotAGlobalKey() {
        String message = invalid("{email}", List.of(new Parameter(null, "java.lang.String")));
        assertTrue(message.contains("does not record parameter names") && message.contains("-parameters"), message);
    }

    @Test
    void unknownPropertyIsAnErrorWithASuggestion() {
        String message = invalid("{request.usr.id}", TRANSFER);
        assertTrue(message.startsWith("key '{request.usr.id}': " + Transfer.class.getName()
                + " has no readable property 'usr'"), message);
        assertTrue(message.endsWith("did you mean 'user'?"), message);
    }

    @Test
    void aValueWithoutStableTextIsAnError() {
        String message = invalid("{request.user}", TRANSFER);
        assertTrue(message.contains("is a " + User.class.getName() + ", which has no stable text form"), message);
        assertTrue(message.contains("{request.user.active}"), message);
    }

    @Test
    void syntaxErrorsNameTheTemplate() {
        assertEquals("key '{email': '{' at column 0 is never closed", invalid("{email", LOGIN));
    }

    @Test
    void aThrowingGetterRefusesTheCallWithoutQuotingItsMessage() throws Exception {
        KeyExtractor key = compile("{form.secret}", TRANSFER);
        GuardUnavailableException e = assertThrows(GuardUnavailableException.class,
                () -> key.extract(new Object[] {null, new Form("x"), 0}));
        assertEquals("guard 'policy' refused the call: reading {form.secret} for its key threw "
                + "java.lang.IllegalStateException", e.getMessage());
    }
}
