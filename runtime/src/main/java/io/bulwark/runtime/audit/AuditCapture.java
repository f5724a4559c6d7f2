package io.bulwark.runtime.audit;

import io.bulwark.Bulwark;
import io.bulwark.BulwarkException;
import io.bulwark.Capture;
import io.bulwark.ErrorDetail;
import io.bulwark.GuardUnavailableException;
import io.bulwark.monitoring.AuditRecorded;
import io.bulwark.runtime.audit.capture.ArgumentCapture;
import io.bulwark.runtime.audit.capture.CaptureFailedException;
import io.bulwark.runtime.audit.capture.MessageScrubber;
import io.bulwark.runtime.audit.capture.UuidV7;
import io.bulwark.runtime.audit.capture.ValueWriter;
import io.bulwark.runtime.key.KeyExtractor;
import io.bulwark.runtime.monitor.Monitor;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit of one method, compiled at weave time: what to capture on the calling thread before the body runs
 * ({@link #begin}), and how the call ended ({@link #denied}, {@link #end}). Each begun call yields exactly one event.
 *
 * <p>Why the caller's work is this shape (the target is 2 µs at p99): an id from {@link UuidV7}, the clock, the bound
 * caller by reference (it is immutable), the resource templates and the arguments written as JSON once; everything
 * else (cleaning texts, canonical JSON, hashing, the disk) happens on the journal thread.
 */
public final class AuditCapture {

    private static final int MAX_SCRUBBED_MESSAGE = 65_536;

    private final String method;
    private final String action;
    private final String resourceType;
    private final KeyExtractor resourceId;
    private final KeyExtractor resourceName;
    private final Capture capture;
    private final ErrorDetail errors;
    private final ArgumentCapture arguments;
    private final int[] redactedParameters;
    private final AuditPipeline pipeline;
    private final Clock clock;
    private final boolean readsArguments;

    /**
     * @param method             how messages name the method
     * @param resourceId         null when there is none
     * @param errors             what a failure records of its exception
     * @param arguments          null with {@code capture = NONE}
     * @param redactedParameters indices of {@code @Redact} parameters, whose text is scrubbed from exception messages
     */
    public AuditCapture(String method, String action, String resourceType, KeyExtractor resourceId,
            KeyExtractor resourceName, Capture capture, ErrorDetail errors, ArgumentCapture arguments,
            int[] redactedParameters, AuditPipeline pipeline, Clock clock) {
        this.method = method;
        this.action = action;
        this.resourceType = resourceType.isEmpty() ? null : resourceType;
        this.resourceId = resourceId;
        this.resourceName = resourceName;
        this.capture = capture;
        this.errors = errors;
        this.arguments = capture == Capture.NONE ? null : arguments;
        this.redactedParameters = redactedParameters.clone();
        this.pipeline = pipeline;
        this.clock = clock;
        this.readsArguments = this.arguments != null || redactedParameters.length > 0
                || resourceId != null && resourceId.readsArguments()
                || resourceName != null && resourceName.readsArguments();
    }

    public boolean readsArguments() {
        return readsArguments;
    }

    /** Whether the returned value is recorded ({@code capture = ARGS_AND_RESULT}). */
    public boolean needsResult() {
        return capture == Capture.ARGS_AND_RESULT;
    }

    /** What a call carries from {@link #begin} to its end. */
    public static final class Pending {
        final Draft draft;
        final long startNanos;
        /** Set once in {@link #begin}, before the body runs. */
        ValueWriter changes;
        final Object[] args;
        /** The token of the guards this one wraps. */
        public Object inner;
        /** A policy in shadow mode that would have refused the call, and why; null for none. */
        String shadowPolicy;
        String shadowReason;

        Pending(Draft draft, long startNanos, ValueWriter changes, Object[] args) {
            this.draft = draft;
            this.startNanos = startNanos;
            this.changes = changes;
            this.args = args;
        }
    }

    /**
     * Captures the call before anything else runs.
     *
     * @throws GuardUnavailableException when no event can be kept (the pipeline is full or its journal unusable), or
     *                                   the arguments cannot be read for it: the call is refused rather than run
     *                                   unaudited (a {@code denied} event says why)
     */
    public Pending begin(Object[] args) {
        long start = System.nanoTime();
        if (!pipeline.reserve()) {
            throw new GuardUnavailableException(action,
                    "its audit event cannot be kept: " + pipeline.unavailableReason());
        }
        Instant now = clock.instant();
        long micros = Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000);
        Draft draft = new Draft(UuidV7.next(now.toEpochMilli()), micros, Bulwark.caller(), action, resourceType);
        Pending pending = new Pending(draft, start, null, redactedParameters.length > 0 ? args : null);
        try {
            draft.resource(resourceId == null ? null : resourceId.extract(args),
                    resourceName == null ? null : resourceName.extract(args));
        } catch (BulwarkException e) {
            denied(pending, e);
            throw e;
        }
        if (arguments == null) {
            return pending;
        }
        ValueWriter changes;
        try {
            changes = captureArguments(args);
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            // A getter, an iterator or generated code threw: the record cannot say what the call was given, and an
            // audited call never runs with less than its record. Refused, and the refusal is the event.
            GuardUnavailableException refusal = e instanceof GuardUnavailableException g ? g
                    : new GuardUnavailableException(action, "its arguments could not be read for its audit event ("
                            + (e instanceof CaptureFailedException c ? c.thrownType() : e.getClass().getName())
                            + " while reading them)");
            denied(pending, refusal);
            throw refusal;
        }
        pending.changes = changes;
        return pending;
    }

    private ValueWriter captureArguments(Object[] args) {
        ValueWriter out = new ValueWriter(pipeline.settings().maxCapture(), pipeline.redactor());
        out.beginObject();
        out.member("args");
        out.beginObject();
        arguments.write(args, out);
        out.endObject();
        return out;
    }

    /**
     * A rate-limit policy in shadow mode would have refused the call, which runs: its event says so in its captured
     * JSON, {@code "shadow_denied":{"policy":"login","reason":"limit_exceeded"}}, beside the arguments if any.
     */
    public void shadowDenied(Pending pending, String policy, String reason) {
        pending.shadowPolicy = policy;
        pending.shadowReason = reason;
    }

    /** Another guard refused the call: its event is {@code denied}, with the refusal's (safe) message. */
    public void denied(Pending pending, BulwarkException refusal) {
        pending.draft.outcome(Status.DENIED, refusal.getClass().getSimpleName() + ": " + refusal.getMessage(),
                (System.nanoTime() - pending.startNanos) / 1_000);
        submit(pending);
        Monitor.auditRecorded(action, AuditRecorded.Status.DENIED);
    }

    /**
     * The body ran: {@code success}, or {@code failure} with the exception's type and message (with every redacted
     * argument's text cut out of it). {@code result} is recorded with {@code capture = ARGS_AND_RESULT}.
     */
    public void end(Pending pending, Object result, Throwable thrown) {
        long micros = (System.nanoTime() - pending.startNanos) / 1_000;
        if (thrown == null) {
            if (capture == Capture.ARGS_AND_RESULT && pending.changes != null) {
                pending.changes.member("result");
                try {
                    pending.changes.value(result);
                } catch (CaptureFailedException e) {
                    // The call has run: it cannot be refused now. The record says the result could not be read.
                    pending.changes.value("[not captured: " + e.thrownType() + " while reading it]");
                }
            }
            pending.draft.outcome(Status.SUCCESS, null, micros);
        } else {
            pending.draft.outcome(Status.FAILURE, describe(thrown, pending.args,
                    pending.changes == null ? List.of() : pending.changes.secrets()), micros);
        }
        submit(pending);
        Monitor.auditRecorded(action, thrown == null ? AuditRecorded.Status.SUCCESS : AuditRecorded.Status.FAILURE);
    }

    private void submit(Pending pending) {
        ValueWriter changes = pending.changes;
        if (pending.shadowPolicy != null) {
            if (changes == null) {
                changes = new ValueWriter(pipeline.settings().maxCapture(), pipeline.redactor());
                changes.beginObject();
            }
            changes.member("shadow_denied");
            changes.beginObject();
            changes.member("policy");
            changes.value(pending.shadowPolicy);
            changes.member("reason");
            changes.value(pending.shadowReason);
            changes.endObject();
        }
        if (changes != null) {
            pending.draft.changes(changes.finish());
        }
        pipeline.submit(pending.draft);
    }

    /**
     * The exception's type and message, with the text of every redacted value the call carried cut out
     * ({@link MessageScrubber}): its {@code @Redact} parameters and, when arguments are captured, the redacted
     * components inside them. The type alone with {@code errors = TYPE_ONLY}, or when a value cannot be cut safely.
     */
    private String describe(Throwable thrown, Object[] args, List<String> secrets) {
        String type = thrown.getClass().getName();
        if (errors == ErrorDetail.TYPE_ONLY) {
            return type;
        }
        String message;
        try {
            message = thrown.getMessage();
        } catch (RuntimeException e) {
            message = null;
        }
        if (message == null) {
            return type;
        }
        if (message.length() > MAX_SCRUBBED_MESSAGE) {
            message = message.substring(0, MAX_SCRUBBED_MESSAGE);
        }
        List<String> all = new ArrayList<>(secrets);
        if (args != null) {
            for (int index : redactedParameters) {
                String text = ValueWriter.secretText(args[index]);
                if (text != null) {
                    all.add(text);
                }
            }
        }
        String scrubbed = MessageScrubber.scrub(message, all);
        return scrubbed == null ? type : type + ": " + scrubbed;
    }

    @Override
    public String toString() {
        return "AuditCapture[" + method + ", " + action + "]";
    }
}
