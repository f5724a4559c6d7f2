package kotlin.coroutines;

/** Stands in for Kotlin's: a suspend function's hidden last parameter, all the agent looks at. */
public interface Continuation<T> {
}
