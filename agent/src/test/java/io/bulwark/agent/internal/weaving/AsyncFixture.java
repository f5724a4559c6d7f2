package io.bulwark.agent.internal.weaving;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Asynchronous method shapes for {@link AsyncWeavingTest}: wide arguments, static, a loop at the very start. */
public class AsyncFixture {

    /** How many times a body ran. */
    public static int bodies;

    private final String prefix;

    public AsyncFixture(String prefix) {
        this.prefix = prefix;
    }

    public Mono<String> wide(String a, long b, double c, int d) {
        bodies++;
        return Mono.just(prefix + a + b + c + d);
    }

    public static Mono<Integer> countdown(int n) {
        // A loop that begins at the first instruction: a stack map frame at offset 0 of the original code.
        while (n > 0) {
            n--;
        }
        bodies++;
        return Mono.just(n);
    }

    public Flux<String> letters(String word) {
        bodies++;
        return Flux.fromArray(word.split(""));
    }

    public CompletableFuture<String> stage(String s, long n) {
        return CompletableFuture.completedFuture(prefix + s + n);
    }

    public static CompletionStage<Integer> stageCountdown(int n) {
        while (n > 0) {
            n--;
        }
        return CompletableFuture.completedFuture(n);
    }
}
