package io.bulwark.runtime.twofactor.stepup;

/**
 * The latest time step accepted per user, kept where every instance sees it at once (Redis), in front of the store's
 * own durable record of it: a code is only accepted when both move forward.
 */
interface StepLedger {

    /** Records {@code step} if it is later than the last one; whether it was (false: a replay). */
    boolean advance(String user, long step) throws StepUpStoreException;

    /** Records {@code step} unless a later one is recorded (a newly confirmed factor starts from its first code). */
    void raise(String user, long step) throws StepUpStoreException;

    /**
     * Records {@code generation} of the user's factor record if it is the highest yet; false when a higher one is
     * recorded (an older copy of the record was put back).
     */
    boolean generation(String user, long generation) throws StepUpStoreException;
}
