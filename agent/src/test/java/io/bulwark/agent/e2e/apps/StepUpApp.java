package io.bulwark.agent.e2e.apps;

import io.bulwark.Audited;
import io.bulwark.Bulwark;
import io.bulwark.BulwarkException;
import io.bulwark.Caller;
import io.bulwark.TwoFactorRequiredException;

/**
 * A money transfer under {@code @Requires2FA(maxAge = "3s")}, compiled with the processor. The first argument is the
 * user; each other is a step: {@code SESSION:CODE} calls in that session presenting that code (empty for none),
 * {@code sleep:MS} waits. Prints {@code step<i>=ok}, the refusal's reason, or its HTTP status for other refusals.
 */
public class StepUpApp {

    private static long balance = 1_000;

    @io.bulwark.Requires2FA(maxAge = "3s")
    @Audited(action = "transfer.create", resourceType = "account", resourceId = "{account}")
    private static void transfer(String account, long cents) {
        balance -= cents;
    }

    public static void main(String[] args) throws Exception {
        String user = args[0];
        for (int i = 1; i < args.length; i++) {
            String step = args[i];
            if (step.startsWith("sleep:")) {
                Thread.sleep(Long.parseLong(step.substring("sleep:".length())));
                continue;
            }
            String session = step.substring(0, step.indexOf(':'));
            String code = step.substring(step.indexOf(':') + 1);
            Caller caller = Caller.of(user).session(session).otp(code.isEmpty() ? null : code);
            try (Bulwark.Scope scope = Bulwark.bind(caller)) {
                transfer("acct-1", 10);
                System.out.println("step" + (i - 1) + "=ok");
            } catch (TwoFactorRequiredException e) {
                System.out.println("step" + (i - 1) + "=" + e.reason());
            } catch (BulwarkException e) {
                System.out.println("step" + (i - 1) + "=" + e.httpStatus());
            }
        }
        System.out.println("balance=" + balance);
    }
}
