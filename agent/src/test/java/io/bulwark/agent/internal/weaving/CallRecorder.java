package io.bulwark.agent.internal.weaving;

import io.bulwark.internal.GuardRuntime;
import io.bulwark.internal.TwoFactorOperations;
import java.util.Arrays;
import java.util.List;

/**
 * The runtime the weaving tests install behind the dispatch bridge: it records each call the woven code makes, as
 * {@code enter 3 [1, 2]} and {@code exit 3 token3 result=Integer:5 thrown=null}, into a list the test owns (and
 * synchronizes on), and refuses every entry while it is given a refusal.
 */
final class CallRecorder implements GuardRuntime {

    private final List<String> calls;
    private volatile RuntimeException refusal;

    /** The handle {@link #subscribe} returns. */
    record Call(int guard) {
    }

    CallRecorder(List<String> calls) {
        this.calls = calls;
    }

    /** Thrown by every {@code enter} from now on; null to admit again. */
    void refuseWith(RuntimeException refusal) {
        this.refusal = refusal;
    }

    @Override
    public Object enter(int guard, Object[] args) {
        synchronized (calls) {
            calls.add("enter " + guard + " " + (args == null ? "null" : Arrays.deepToString(args)));
        }
        RuntimeException r = refusal;
        if (r != null) {
            throw r;
        }
        return "token" + guard;
    }

    @Override
    public Object enterArgument(int guard, Object argument) {
        synchronized (calls) {
            calls.add("enterArgument " + guard + " " + describe(argument));
        }
        RuntimeException r = refusal;
        if (r != null) {
            throw r;
        }
        return "token" + guard;
    }

    @Override
    public void exit(int guard, Object token, Object result, Throwable thrown) {
        synchronized (calls) {
            calls.add("exit " + guard + " " + token + " result=" + describe(result) + " thrown=" + thrown(thrown));
        }
    }

    @Override
    public Object subscribe(int guard, Object[] args, Object owner) {
        synchronized (calls) {
            calls.add("subscribe " + guard + " " + (args == null ? "null" : Arrays.deepToString(args)));
        }
        RuntimeException r = refusal;
        if (r != null) {
            throw r;
        }
        return new Call(guard);
    }

    @Override
    public int admitBody(Object call) {
        return ((Call) call).guard();
    }

    @Override
    public void settle(Object call, Object result, Throwable thrown) {
        synchronized (calls) {
            calls.add("settle " + ((Call) call).guard() + " result=" + describe(result) + " thrown=" + thrown(thrown));
        }
    }

    @Override
    public void cancel(Object call) {
        synchronized (calls) {
            calls.add("cancel " + ((Call) call).guard());
        }
    }

    @Override
    public TwoFactorOperations twoFactor() {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean reset(String policy, String renderedKey) {
        return false;
    }

    /** {@code Integer:5}, {@code null}: a value as the records show it. */
    static String describe(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName() + ":" + value;
    }

    /** {@code IOException:boom}, {@code null}: a throwable as the records show it. */
    static String thrown(Throwable thrown) {
        return thrown == null ? "null" : thrown.getClass().getSimpleName() + ":" + thrown.getMessage();
    }
}
