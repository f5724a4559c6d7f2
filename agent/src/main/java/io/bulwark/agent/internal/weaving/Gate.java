package io.bulwark.agent.internal.weaving;

import io.bulwark.runtime.log.Log;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;

/**
 * The transformer the JVM calls for every class, registered in premain before anything else. Setting up the weaver
 * (loading ASM and the weaving classes, and a first weave to warm them up) is done on a background thread; the gate
 * lets the application start meanwhile. Until the weaver is ready, a class that cannot carry guards (by name, or by
 * the index of the jar it comes from) passes untouched, and a class that may carry guards waits for the weaver: it
 * is woven, or not defined, never defined unguarded. Once the weaver is ready, the gate still answers for the
 * classes it knows are unguarded: only candidates are read by the weaver.
 *
 * <p>A candidate is a class the processor's index lists, or (the fallback, {@code bulwark.scan=annotations}, the
 * default) one whose constant pool names a guard annotation ({@link GuardDescriptors}) in the packages of
 * {@code bulwark.scan.packages}. The packages narrow only the fallback: an indexed class is a candidate wherever it is.
 *
 * <p>JDK classes and the index only: this code runs before the weaver's classes are loaded, and for the classes the
 * weaver itself loads while it is being set up.
 */
final class Gate implements ClassFileTransformer {

    private final ClassNames names;
    private final boolean fallback;
    /** Set once, with {@link #failure} or {@link #weaver}; waited for under the gate's monitor. */
    private volatile boolean settled;
    private volatile ClassFileTransformer weaver;
    private Throwable failure;

    Gate(ClassNames names, boolean fallback) {
        this.names = names;
        this.fallback = fallback;
    }

    synchronized void open(ClassFileTransformer built) {
        weaver = built;
        settled = true;
        notifyAll();
    }

    synchronized void fail(Throwable cause) {
        failure = cause;
        settled = true;
        notifyAll();
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> redefined,
            ProtectionDomain domain, byte[] bytes) throws IllegalClassFormatException {
        if (internalName == null || loader == null) {
            return null;
        }
        String name = null;
        boolean indexed = false;
        if (GuardIndex.mayList(internalName, domain)) {
            name = internalName.replace('/', '.');
            if (names.ignored(name)) {
                return null;
            }
            indexed = GuardIndex.lists(loader, name, domain);
        }
        if (!indexed) {
            // The constant pool first: it rules out nearly every class before a name is even built.
            if (!fallback || GuardDescriptors.named(bytes) == 0) {
                return null;
            }
            name = name != null ? name : internalName.replace('/', '.');
            if (names.ignored(name) || !names.scanned(name)) {
                return null;
            }
        }
        ClassFileTransformer w = weaver;
        return (w != null ? w : await(name)).transform(module, loader, internalName, redefined, domain, bytes);
    }

    @Override
    public byte[] transform(ClassLoader loader, String internalName, Class<?> redefined, ProtectionDomain domain,
            byte[] bytes) throws IllegalClassFormatException {
        return transform(null, loader, internalName, redefined, domain, bytes);
    }

    /** Not a CompletableFuture: that would load some 30 classes of the fork-join pool into premain. */
    private synchronized ClassFileTransformer await(String name) {
        long start = System.nanoTime();
        try {
            while (!settled) {
                wait();
            }
            if (failure != null) {
                throw new IllegalStateException("the weaver's set-up failed", failure);
            }
            Log.debug(name + " waited " + (System.nanoTime() - start) / 1_000_000 + " ms for the weaver");
            return weaver;
        } catch (InterruptedException | IllegalStateException e) {
            // The setup thread stops the JVM when it fails; this thread must not go on to define the class unwoven.
            Log.error(name + " may carry guards but the weaver is not available (" + e + "): the JVM stops");
            Runtime.getRuntime().halt(70);
            throw new IllegalStateException(e);
        }
    }
}
