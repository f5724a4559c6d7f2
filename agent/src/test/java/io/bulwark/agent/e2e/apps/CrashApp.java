package io.bulwark.agent.e2e.apps;

import io.bulwark.Audited;
import io.bulwark.Capture;
import io.bulwark.GuardUnavailableException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code hammer <side file>}: two threads make audited calls as fast as they are admitted, until the JVM is killed.
 * Each call carries a reference of its own ({@link #ref}) as its resource id; once a call has returned, its thread
 * writes that reference into its half of {@code <side file>}, which is memory-mapped: the kernel keeps a shared
 * mapping's pages when the process is killed, so the record of a returned call outlives a kill -9 (a call killed
 * between its return and that write is simply not counted). {@code idle}: only waits, so that a journal ships.
 */
public class CrashApp {

    /** Room per thread in the side file: far more calls than a few seconds can make. */
    public static final int SLOTS = 8 << 20;
    public static final int THREADS = 2;

    @Audited(action = "crash.call", resourceType = "ref", resourceId = "{ref}", capture = Capture.NONE)
    static void call(String ref) {
    }

    /** The reference of thread {@code thread}'s call number {@code i} (from 1): never 0. */
    public static long ref(int thread, long i) {
        return ((long) (thread + 1) << 40) | i;
    }

    public static void main(String[] args) throws Exception {
        if (!args[0].equals("hammer")) {
            Thread.sleep(120_000);
            return;
        }
        MappedByteBuffer returned;
        try (FileChannel channel = FileChannel.open(Path.of(args[1]), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            returned = channel.map(FileChannel.MapMode.READ_WRITE, 0, (long) THREADS * SLOTS * Long.BYTES);
        }
        call("0");
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            Thread worker = new Thread(() -> hammer(thread, returned.duplicate()), "hammer-" + t);
            worker.start();
        }
        System.out.println("running");
        Thread.sleep(120_000);
    }

    private static void hammer(int thread, ByteBuffer returned) {
        long refused = 0;
        int base = thread * SLOTS * Long.BYTES;
        long i = 0;
        for (int slot = 0; slot < SLOTS; ) {
            long ref = ref(thread, ++i);
            try {
                call(Long.toString(ref));
            } catch (GuardUnavailableException e) {
                refused++;
                continue;
            }
            returned.putLong(base + slot * Long.BYTES, ref);
            slot++;
        }
        System.out.println("thread " + thread + " filled its side file; refused " + refused);
    }
}
