package io.bulwark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class BulwarkTest {

    @Test
    void unboundThreadSeesTheAnonymousCaller() {
        assertSame(Caller.anonymous(), Bulwark.caller());
        assertEquals(null, Bulwark.caller().user());
    }

    @Test
    void nestedScopesRestoreTheOuterCallerOnClose() {
        Caller alice = Caller.of("alice").ip("203.0.113.1");
        Caller bob = Caller.of("bob");
        try (Bulwark.Scope outer = Bulwark.bind(alice)) {
            assertEquals("alice", Bulwark.caller().user());
            try (Bulwark.Scope inner = Bulwark.bind(bob)) {
                assertEquals("bob", Bulwark.caller().user());
            }
            assertEquals(alice, Bulwark.caller());
        }
        assertSame(Caller.anonymous(), Bulwark.caller());
    }

    @Test
    void closingAScopeTwiceDoesNotUnbindTheOuterOne() {
        Caller alice = Caller.of("alice");
        try (Bulwark.Scope outer = Bulwark.bind(alice)) {
            Bulwark.Scope inner = Bulwark.bind(Caller.of("bob"));
            inner.close();
            inner.close();
            assertEquals("alice", Bulwark.caller().user());
        }
    }

    @Test
    void wrappedTaskRunsAsTheCallerBoundAtSubmission() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<String> seen;
            try (Bulwark.Scope scope = Bulwark.bind(Caller.of("carol"))) {
                seen = pool.submit(Bulwark.wrap(() -> Bulwark.caller().user()));
            }
            assertEquals("carol", seen.get());
            // The pool thread is clean afterwards: nothing leaks to the next task.
            assertEquals(null, pool.submit(() -> Bulwark.caller().user()).get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void callerIsImmutableAndToStringLeavesOutTheSession() {
        Caller base = Caller.of("u1");
        Caller withSession = base.session("s3cr3t-session").roles("admin", "ops");
        assertEquals(null, base.session());
        assertEquals("s3cr3t-session", withSession.session());
        assertEquals(java.util.List.of("admin", "ops"), java.util.List.copyOf(withSession.roles()));
        assertFalse(withSession.toString().contains("s3cr3t"));
    }

    @Test
    void agentIsNotActiveInAPlainJvm() {
        assertFalse(Bulwark.agentActive());
    }
}
