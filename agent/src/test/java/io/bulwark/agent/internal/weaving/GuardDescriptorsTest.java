package io.bulwark.agent.internal.weaving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.Audited;
import io.bulwark.RateLimited;
import io.bulwark.Requires2FA;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class GuardDescriptorsTest {

    static class OneLimit {
        @RateLimited(name = "a", limit = 1, window = "1m")
        void call() {
        }
    }

    static class TwoLimits {
        @RateLimited(name = "a", limit = 1, window = "1m")
        @RateLimited(name = "b", limit = 2, window = "1m")
        void call() {
        }
    }

    static class StepUpAndAudit {
        @Requires2FA
        @Audited(action = "x.run")
        void call() {
        }
    }

    static class Unguarded {
        /** Names the annotation as a class literal only: no descriptor, no guard. */
        Class<?> type() {
            return RateLimited.class;
        }
    }

    private static byte[] bytes(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getName().substring(type.getName().lastIndexOf('.') + 1)
                + ".class")) {
            return in.readAllBytes();
        }
    }

    @Test
    void findsEachGuardByItsDescriptor() throws IOException {
        assertEquals(GuardDescriptors.RATE_LIMITED, GuardDescriptors.named(bytes(OneLimit.class)));
        assertEquals(GuardDescriptors.RATE_LIMITED, GuardDescriptors.named(bytes(TwoLimits.class)),
                "the repeatable container");
        assertEquals(GuardDescriptors.REQUIRES_2FA | GuardDescriptors.AUDITED,
                GuardDescriptors.named(bytes(StepUpAndAudit.class)));
        assertEquals(0, GuardDescriptors.named(bytes(Unguarded.class)));
    }

    @Test
    void aClassFileItCannotWalkIsSaidToBeUnreadableForTheWeaverToParse() throws IOException {
        byte[] whole = bytes(OneLimit.class);
        assertEquals(GuardDescriptors.UNREADABLE, GuardDescriptors.named(Arrays.copyOf(whole, 40)));
        assertEquals(GuardDescriptors.UNREADABLE, GuardDescriptors.named(new byte[] {1, 2, 3}));
        byte[] unknownTag = whole.clone();
        unknownTag[10] = 99;
        assertEquals(GuardDescriptors.UNREADABLE, GuardDescriptors.named(unknownTag));
    }

    /** Every class of the agent's tests and main code that declares a guard is found; every other one is not. */
    @Test
    void agreesWithTheFullParseOnEveryCompiledClass() throws IOException {
        int guarded = 0;
        int checked = 0;
        for (String root : List.of("target/test-classes",
                "target/classes")) {
            try (Stream<Path> files = Files.walk(Path.of(root))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    byte[] bytes = Files.readAllBytes(file);
                    boolean declares = ClassFile.read(file.toString(), bytes, false).declaresGuards();
                    int named = GuardDescriptors.named(bytes);
                    if (declares) {
                        guarded++;
                        assertTrue(named != 0, file + " declares guards");
                    }
                    checked++;
                }
            }
        }
        assertTrue(guarded > 10 && checked > 100, guarded + " of " + checked);
    }
}
