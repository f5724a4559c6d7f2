package io.bulwark.agent.reactor;

import io.bulwark.Bulwark;
import io.bulwark.Caller;
import io.bulwark.internal.Dispatch;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * One guarded subscription: passes every signal of the body's publisher through, unchanged, after settling the
 * guards on the terminal one ({@code Mono}: its value or its completion; {@code Flux}: completion or error), or on
 * cancellation. It is also what the runtime watches: should it become unreachable before either (nobody can signal it
 * any more), the call is settled as abandoned.
 */
final class GuardedSubscriber implements CoreSubscriber<Object>, Subscription {

    private final CoreSubscriber<? super Object> actual;
    private final boolean mono;
    private Object call;
    private Subscription upstream;

    private GuardedSubscriber(CoreSubscriber<? super Object> actual, boolean mono) {
        this.actual = actual;
        this.mono = mono;
    }

    /**
     * At subscription, the caller is: the one the subscriber's context carries under {@code Caller.class} (Bulwark's
     * WebFlux filter puts it there); else the one bound to the subscribing thread; else the one bound where the method
     * was called ({@code assembledBy}: Spring MVC calls a controller on a thread the servlet filter bound, and the
     * controller may subscribe on another scheduler). It is bound while the guards decide and while the body builds
     * and subscribes its publisher, so that guarded code the body calls synchronously sees it.
     */
    static void subscribe(int guard, Object[] args, Supplier<?> body, Caller assembledBy,
            CoreSubscriber<? super Object> actual, boolean mono) {
        Context context = actual.currentContext();
        Object inContext = context.getOrDefault(Caller.class, null);
        Caller caller = inContext instanceof Caller c ? c
                : assembledBy != null && Bulwark.caller() == Caller.anonymous() ? assembledBy : null;
        Bulwark.Scope scope = caller == null ? null : Bulwark.bind(caller);
        try {
            GuardedSubscriber guarded = new GuardedSubscriber(actual, mono);
            Object call;
            try {
                call = Dispatch.subscribe(guard, args, guarded);
            } catch (RuntimeException refused) {
                Operators.error(actual, refused);
                return;
            }
            guarded.call = call;
            Object source;
            try {
                source = Dispatch.body(call, body);
            } catch (Throwable t) {
                // As Mono.defer does: what the body throws while building its publisher is the subscription's error.
                Dispatch.settle(call, null, t);
                Operators.error(actual, Operators.onOperatorError(t, context));
                return;
            }
            if (source == null) {
                NullPointerException none = new NullPointerException("the guarded method returned a null publisher");
                Dispatch.settle(call, null, none);
                Operators.error(actual, none);
                return;
            }
            ((Publisher<?>) source).subscribe(guarded);
        } finally {
            if (scope != null) {
                scope.close();
            }
        }
    }

    @Override
    public Context currentContext() {
        return actual.currentContext();
    }

    @Override
    public void onSubscribe(Subscription s) {
        if (Operators.validate(upstream, s)) {
            upstream = s;
            actual.onSubscribe(this);
        }
    }

    @Override
    public void onNext(Object value) {
        if (mono) {
            Dispatch.settle(call, value, null);
        }
        actual.onNext(value);
    }

    @Override
    public void onError(Throwable error) {
        Dispatch.settle(call, null, error);
        actual.onError(error);
    }

    @Override
    public void onComplete() {
        Dispatch.settle(call, null, null);
        actual.onComplete();
    }

    @Override
    public void request(long n) {
        upstream.request(n);
    }

    @Override
    public void cancel() {
        Dispatch.cancel(call);
        upstream.cancel();
    }
}
