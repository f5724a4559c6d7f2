package io.bulwark;

/** What a quota does when its shared store cannot answer in time. */
public enum StoreFailure {
    /** Refuse the call ({@link GuardUnavailableException}, HTTP 503). */
    CLOSED,
    /** Admit the call uncounted. */
    OPEN,
    /** Count the call in this JVM's memory until the store is back. */
    LOCAL
}
