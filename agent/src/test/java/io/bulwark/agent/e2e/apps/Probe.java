package io.bulwark.agent.e2e.apps;

import io.bulwark.BulwarkException;
import io.bulwark.RateLimitedException;
import java.util.concurrent.Callable;

/** Prints what each call did, one line per call, for the end-to-end tests to read. */
public final class Probe {

    private Probe() {
    }

    /** Calls {@code call} {@code times} times, printing {@code label.i=OK} or {@code label.i=<refusal>}. */
    public static void calls(String label, int times, Callable<?> call) {
        for (int i = 1; i <= times; i++) {
            System.out.println(label + "." + i + "=" + outcome(call));
        }
    }

    /** {@code OK}, {@code RateLimitedException policy=api limit=3 remaining=0 retryAfter=20 status=429}, ... */
    public static String outcome(Callable<?> call) {
        try {
            call.call();
            return "OK";
        } catch (RateLimitedException e) {
            return e.getClass().getSimpleName() + " policy=" + e.policy() + " limit=" + e.limit() + " remaining="
                    + e.remaining() + " retryAfter=" + e.httpHeaders().get("Retry-After") + " status=" + e.httpStatus();
        } catch (BulwarkException e) {
            return e.getClass().getSimpleName() + " status=" + e.httpStatus() + " message=" + e.getMessage();
        } catch (Exception e) {
            return "THREW " + e.getClass().getSimpleName();
        }
    }
}
