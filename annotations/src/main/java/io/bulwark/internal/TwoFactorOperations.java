package io.bulwark.internal;

import io.bulwark.TwoFactor;
import io.bulwark.TwoFactorEnrollment;
import java.util.List;

/** What {@link TwoFactor} asks of the runtime, through {@link Dispatch}. Implemented by the runtime. Not API. */
public interface TwoFactorOperations {

    TwoFactorEnrollment enroll(String user, String account);

    List<String> confirm(String user, String code);

    List<String> newRecoveryCodes(String user);

    boolean disable(String user);

    boolean unlock(String user);

    TwoFactor.Status status(String user);
}
