package io.bulwark.samples;

import io.bulwark.Audited;
import io.bulwark.Requires2FA;

/**
 * The step-up that replacing a second factor takes: the current factor's code ({@code X-OTP}) in the same request,
 * or a session ({@code X-Session}) that verified one within 5 minutes. Bulwark's {@code TwoFactor.confirm} itself
 * refuses to replace an active factor without it; calling this first answers the client with the usual 401 and
 * lets one request carry both codes (the code accepted here serves this request, and only this request).
 */
public class FactorService {

    @Requires2FA(maxAge = "5m")
    @Audited(action = "second-factor.replace", resourceType = "user", resourceId = "{caller.user}")
    public void currentFactorVerified() {
    }
}
