package io.bulwark.internal;

import java.util.Locale;

/**
 * Every problem a guard declaration can have, in one catalogue: javac (through the processor) and the agent
 * (at weave time) report the same problem in the same words. Not API.
 */
public enum Message {

    TEMPLATE_SYNTAX("%s '%s': %s"),
    TEMPLATE_UNKNOWN_PARAMETER("%s '%s': {%s} names no parameter: expected one of %s or a caller field such as "
            + "{caller.ip}%s"),
    TEMPLATE_NO_PARAMETER_NAMES("%s '%s': the class file does not record parameter names, so {%s} cannot be "
            + "resolved: compile with -parameters (or -g), or use the Bulwark processor"),
    TEMPLATE_UNKNOWN_PROPERTY("%s '%s': %s has no readable property '%s' (expected a record component, get%s()/is%s() "
            + "or a public %s())%s"),
    TEMPLATE_REDACTED("%s '%s': {%s} is @Redact: a redacted value never goes into a key or a resource's id or name"),
    TEMPLATE_NO_TEXT_FORM("%s '%s': {%s} is a %s, which has no stable text form: name one of its properties%s, or a "
            + "String, number, UUID or enum"),

    POLICY_NAME("name = '%s': expected 1 to 128 letters, digits, '.', '_', '-'"),
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
    GUARD_WITHOUT_BODY("@%s on %s is not enforced: %s has no body to guard; annotate the implementing method instead"),
    ACTION("action = '%s': expected noun.verb such as 'user.login': two or more parts of letters, digits, '_' or "
            + "'-' joined by '.', at most 128 characters"),
    RESOURCE_TYPE("resourceType = '%s': expected letters, digits, '.', '_' or '-', at most 64 characters"),
    UNREDACTED_SECRET("parameter '%s' looks secret and @Audited(capture = %s) would record it: annotate it @Redact, "
            + "capture less, or suppress with @SuppressWarnings(\"bulwark:unredacted\")"),
    REDACT_NOT_CAPTURED("@Redact on '%s' has no effect on the audit record: %s; it still keeps the value out of keys"),
    REDACT_UNAUDITED_METHOD("the method is not @Audited"),
    REDACT_NOTHING_CAPTURED("@Audited(capture = %s) captures no argument values"),
    MAX_AGE("maxAge = '%s': expected 0 (a code on every call) or a duration up to 24h such as 30s, 5m or 1h"),
    CALLER_PARAMETER_SHADOWED("parameter 'caller' of %s is shadowed in key templates: {caller.%s} reads the bound caller"),
    UNGUARDED_OVERRIDE("%s overrides %s, which is %s, without the same guard: guards are not inherited, so a call "
            + "that reaches this method would run unguarded; repeat the guard here (the same annotation and values), "
            + "or add @SuppressWarnings(\"bulwark:unguarded-override\") if this method must not be guarded"),
    ASYNC_OUTCOME_UNSEEN("%s the outcome of each call, but the method %s, whose outcome Bulwark cannot follow: return "
            + "CompletionStage, CompletableFuture, or Reactor's Mono or Flux (or use count = CALLS without @Audited)");

    private final String format;

    Message(String format) {
        this.format = format;
    }

    public String format(Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
