package io.bulwark.agent.internal.weaving;

import io.bulwark.rules.AsyncReturns;
import io.bulwark.runtime.guard.Registration;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Writes the guards into a class's methods, in place, with ASM. A guarded method becomes, in effect:
 *
 * <pre>
 * Object token = Dispatch.enter(ID, new Object[] {args...});   // or null when no guard reads the arguments
 * try {
 *     ...the method's own code; at each return:
 *     Dispatch.exit(ID, token, result, null);                   // result boxed, or null unless it is recorded
 *     return result;
 * } catch (Throwable thrown) {
 *     Dispatch.exit(ID, token, null, thrown);
 *     throw thrown;
 * }
 * </pre>
 *
 * and only the first line when nothing settles after the call. A method whose guards read one argument alone (its
 * {@code Registration} names it) begins {@code Dispatch.enterArgument(ID, arg)} instead: no array, no boxes but that
 * argument's. A refusal is thrown by {@code enter}, before the
 * method's code runs; {@code exit} never throws (the runtime catches what goes wrong in it), so the method's own
 * result or exception always stands.
 *
 * <p>Asynchronous methods ({@link AsyncReturns}) are woven so that a refusal reaches the caller the way the type
 * delivers errors, and the guards settle when the result does. A method returning a {@code CompletionStage} or
 * {@code CompletableFuture} begins
 *
 * <pre>
 * Object token = Dispatch.enterStage(ID, args);                // the refusal is returned, not thrown
 * if (token instanceof RuntimeException) return CompletableFuture.failedFuture((Throwable) token);
 * </pre>
 *
 * and is otherwise woven as above; {@code exit} is handed the stage returned (the same object, unchanged) and settles
 * when it completes. A method returning Reactor's {@code Mono} or {@code Flux} is guarded at each subscription instead
 * of at each call, so that every subscription (a retry too) is one attempt, checked for the caller in the
 * subscriber's context. It begins
 *
 * <pre>
 * if (Dispatch.deferring(ID)) {
 *     return (Mono) indy#mono(ID, args, () -&gt; this.method(a0, a1, ...));   // Bulwark's Reactor helper
 * }
 * ...the method's own code, untouched
 * </pre>
 *
 * <p>The wrapping is what makes subscription-time guards possible without changing what the publisher delivers: the
 * helper's {@code Mono}/{@code Flux}, at each subscription, applies the guards, calls the method again (not
 * virtually: the same body, whatever overrides it) to get the publisher its body builds, and passes every signal of
 * that publisher through as it is, settling on the way. So the body itself runs only once the guards admitted the
 * attempt: a body that does its work eagerly ({@code Mono.just(check(password))}) is guarded too, and one that throws
 * while building its publisher delivers that as an error signal, as {@code Mono.defer} would. The call again carries
 * a mark only {@code Dispatch.body} sets, for a call the runtime admitted, so the application cannot reach the body
 * without the guards.
 * The helper is reached through {@code invokedynamic}, linked on first call, because it lives in the woven class's
 * own class loader (the agent defines it there: only that loader sees the application's Reactor; see
 * {@code ReactorLinker}); the lambda is the JDK's {@code LambdaMetafactory}, so no method is added to the class.
 *
 * <p>Why not Byte Buddy's {@code Advice}, which did this before: setting it up loads some 700 classes, which on 2
 * cores added a quarter of a second to the start of every application (benchmarks/README.md). This is the same
 * code, written directly with ASM ({@code org.ow2.asm}, relocated), and nothing else: the agent no longer depends on
 * Byte Buddy at all (issue 15).
 *
 * <p>How it stays valid without recomputing stack map frames (which would need the class hierarchy, that is,
 * loading classes): the token goes in a new local slot past the method's own ({@code max_locals}), set before
 * any frame, and every frame of the method is extended with it; the handler's frame declares nothing but the
 * token; the code added at a return has no branch and so needs no frame; the woven handler's ranges leave out the
 * added exit code, so that its exceptions are never caught by that handler. No method or field is added (only
 * constant pool entries), so the same bytes serve a class being loaded and one being retransformed.
 *
 * <p>Known limit: where a compiler placed a return inside one of the method's own protected ranges (javac splits
 * its ranges around returns; ecj, for one, does not always), the exit code added there is inside that range too.
 * {@code exit} never throws, so only an error of the VM itself at that point (a stack overflow at the call, memory
 * running out while boxing the result) would reach the method's own handler, for an exception its body never threw.
 * Splitting the method's own ranges around the exit code would close this; it is not done.
 */
final class GuardWeaving {

    /** Classes from Java 6 on carry stack map frames. */
    private static final int FIRST_VERSION_WITH_FRAMES = Opcodes.V1_6;

    /** Classes from Java 8 on may carry the invokedynamic and lambda a Mono/Flux method is woven with. */
    static final int FIRST_VERSION_WITH_LAMBDAS = Opcodes.V1_8;

    /**
     * A method to weave: its registration, the first local slot the method does not use, and how it delivers its
     * outcome.
     */
    record Plan(Registration registration, int freeSlot, AsyncReturns.Shape returns) {

        Plan(Registration registration, int freeSlot) {
            this(registration, freeSlot, AsyncReturns.Shape.PLAIN);
        }
    }

    private GuardWeaving() {
    }

    /** {@code bytes} with the guards of {@code plans} (by method name + descriptor) woven in. */
    static byte[] weave(byte[] bytes, Map<String, Plan> plans) {
        ClassReader reader = new ClassReader(bytes);
        // Given the reader, the writer copies the constant pool and, unchanged, the methods it is not asked to
        // change. No COMPUTE_ flags: maxima and frames are written here, so no class is ever loaded to compute them.
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            private boolean frames;
            private String owner;
            private boolean isInterface;

            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] interfaces) {
                frames = (version & 0xFFFF) >= FIRST_VERSION_WITH_FRAMES;
                owner = name;
                isInterface = (access & Opcodes.ACC_INTERFACE) != 0;
                super.visit(version, access, name, signature, superName, interfaces);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                MethodVisitor target = super.visitMethod(access, name, descriptor, signature, exceptions);
                Plan plan = plans.get(name + descriptor);
                return plan == null ? target : new GuardedMethod(target, plan, access, owner, isInterface, name,
                        descriptor, frames);
            }
        }, ClassReader.EXPAND_FRAMES);
        return writer.toByteArray();
    }
}
