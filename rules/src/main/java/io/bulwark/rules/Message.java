package io.bulwark.rules;

import java.util.Locale;

/**
 * Every diagnostic text about a guard declaration, in one catalogue, each with its kind: javac (through the processor)
 * and the agent (at weave time) report the same problem in the same words. The texts of the smaller parsers (key
 * templates, durations) are here too, so that the wording of every message can be reviewed in one place. Not API.
 */
public enum Message {

    TEMPLATE_SYNTAX("%s '%s': %s"),
    TEMPLATE_TOO_LONG("template is %d characters long: expected at most %d"),
    TEMPLATE_CLOSES_NOTHING("'}' at column %d closes nothing (write '}}' for a brace)"),
    TEMPLATE_NEVER_CLOSED("'{' at column %d is never closed"),
    TEMPLATE_UNKNOWN_MODIFIER("'{%s}' at column %d names the modifier '%s': expected one of %s%s"),
    TEMPLATE_NAMES_NOTHING("'{}' at column %d names nothing: expected {parameter}, {parameter.property} or "
            + "{caller.field}"),
    TEMPLATE_NOT_A_PATH("'{%s}' at column %d is not a parameter or property path: expected Java identifiers joined by "
            + "'.'"),
    TEMPLATE_NOT_A_CALLER_FIELD("'{%s}' at column %d is not a caller field: expected one of %s%s"),
    DURATION_SYNTAX("'%s' is not a duration: expected %s"),
    TEMPLATE_UNKNOWN_PARAMETER("%s '%s': {%s} names no parameter: expected one of %s or a caller field such as "
            + "{caller.ip}%s"),
    TEMPLATE_NO_PARAMETER_NAMES("%s '%s': the class file does not record parameter names, so {%s} cannot be "
            + "resolved: compile with -parameters (or -g), or use the Bulwark processor"),
    TEMPLATE_UNKNOWN_PROPERTY("%s '%s': %s has no readable property '%s' (expected a record component, get%s()/is%s() "
            + "or a public %s())%s"),
    TEMPLATE_REDACTED("%s '%s': {%s} is @Redact: a redacted value never goes into a key or a resource's id or name"),
    TEMPLATE_NO_TEXT_FORM("%s '%s': {%s} is a %s, which has no stable text form: name one of its properties%s, or a "
            + "String, number, UUID or enum"),

    /** The one statement of the policy-name rule ({@link RateLimitRules#validName}); the Javadoc of name() agrees. */
    POLICY_NAME("name = '%s': expected 1 to " + RateLimitRules.MAX_NAME_LENGTH + " letters, digits, '.', '_', '$' or "
            + "'-'"),
    LIMIT_BELOW_ONE("limit = %d: expected at least 1"),
    DURATION_UNPARSABLE("%s = %s"),
    DURATION_NOT_POSITIVE("%s = '%s'%s: expected a positive duration"),
    LIMIT_TOO_FINE("limit = %d per window %s%s: expected at most one call per microsecond"),
    NEEDS_FAILURES("%s needs count = FAILURES: with count = CALLS there are no failures to count"),
    FAILURE_LIMIT_TOO_LARGE("limit = %d%s with count = FAILURES: expected at most %d (larger budgets are quotas: "
            + "count = CALLS)"),
    POLICY_TWICE_ON_METHOD("policy '%s' is declared twice on the method: name each @RateLimited differently"),
    POLICY_DECLARED_DIFFERENTLY("policy '%s' is already declared differently by %s (%s): methods sharing a policy "
            + "name share its counters and must declare it alike"),
    GUARD_ON_CONSTRUCTOR("@%s on a constructor or initializer of %s is not enforced: only methods are guarded"),
    REACTIVE_BEFORE_JAVA_8("a class file older than Java 8 cannot be woven to guard a Reactor publisher at "
            + "subscription"),
    GUARD_WITHOUT_BODY("@%s on %s is not enforced: %s has no body to guard; annotate the implementing method instead"),
    ACTION("action = '%s': expected noun.verb such as 'user.login': two or more parts of letters, digits, '_' or "
            + "'-' joined by '.', at most 128 characters"),
    RESOURCE_TYPE("resourceType = '%s': expected letters, digits, '.', '_' or '-', at most 64 characters"),
    UNREDACTED_SECRET("parameter '%s' looks secret and @Audited(capture = %s) would record it: annotate it @Redact, "
            + "capture less, or suppress with @SuppressWarnings(\"bulwark:unredacted\")"),
    REDACT_NOT_CAPTURED(Kind.WARNING, "@Redact on '%s' has no effect on the audit record: %s; it still keeps the value "
            + "out of keys"),
    REDACT_UNAUDITED_METHOD("the method is not @Audited"),
    REDACT_NOTHING_CAPTURED("@Audited(capture = %s) captures no argument values"),
    MAX_AGE("maxAge = '%s': expected 0 (a code on every call) or a duration up to 24h such as 30s, 5m or 1h"),
    CALLER_PARAMETER_SHADOWED("parameter 'caller' of %s is shadowed in key templates: {caller.%s} reads the bound "
            + "caller"),
    UNGUARDED_OVERRIDE("%s overrides %s, which is %s, without the same guard: guards are not inherited, so a call "
            + "that reaches this method would run unguarded; repeat the guard here (the same annotation and values), "
            + "or add @SuppressWarnings(\"bulwark:unguarded-override\") if this method must not be guarded"),
    ASYNC_OUTCOME_UNSEEN("%s the outcome of each call, but the method %s, whose outcome Bulwark cannot follow: return "
            + "CompletionStage, CompletableFuture, or Reactor's Mono or Flux (or use count = CALLS without @Audited)"),
    PROCESSOR_FAILED("Bulwark's processor failed on %s (please report this): %s");

    /** How a compiler reports it; at weave time every message is logged as an error (the guard is refused). */
    public enum Kind {
        ERROR, WARNING
    }

    private final Kind kind;
    private final String format;

    Message(String format) {
        this(Kind.ERROR, format);
    }

    Message(Kind kind, String format) {
        this.kind = kind;
        this.format = format;
    }

    public Kind kind() {
        return kind;
    }

    public String format(Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
