package io.bulwark;

/** What a {@link RateLimited} policy counts. */
public enum Count {
    /** Every admitted call. */
    CALLS,
    /** Only calls that end in an exception (see {@link RateLimited#failureOn()}). */
    FAILURES
}
