package io.bulwark.agent.boot;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.util.jar.JarFile;

/**
 * {@code -javaagent:bulwark-agent.jar[=config=FILE]}. Does as little as it can: puts the public API in the bootstrap
 * class loader (one copy for every class loader; {@code BootstrapApi} says how), then hands over to the installer in an
 * isolated class loader.
 *
 * <p>If the agent cannot start, the JVM does not start either: an application whose guards silently did not
 * apply is worse than one that does not run. {@code bulwark.enabled=false} is the way to run without it.
 */
public final class AgentBoot {

    /** sysexits.h EX_CONFIG: the configuration is wrong. */
    static final int EXIT_CONFIG = 78;
    /** sysexits.h EX_SOFTWARE: the agent itself failed. */
    static final int EXIT_SOFTWARE = 70;

    private static final String BOOTSTRAP_API = "io.bulwark.agent.internal.BootstrapApi";
    private static final String INSTALLER = "io.bulwark.agent.internal.AgentInstaller";
    private static final String CONFIG_EXCEPTION = "io.bulwark.runtime.config.ConfigException";
    private static final String CLI = "io.bulwark.agent.internal.cli.Cli";

    private AgentBoot() {
    }

    public static void premain(String argument, Instrumentation instrumentation) {
        try {
            URL location = AgentBoot.class.getProtectionDomain().getCodeSource().getLocation();
            // Unsigned: no verifier reading each entry again.
            JarFile jar = new JarFile(new File(location.toURI()), false);
            // Before the API is in the bootstrap loader: should the jar have to be appended to the bootstrap path,
            // a first reference to IsolatedClassLoader after that would resolve to the bootstrap loader's copy, which
            // this class (system loader) may not access. The verifier resolves it earlier anyway, but not when
            // verification is off (-Xverify:none, -noverify).
            ClassLoader isolated = new IsolatedClassLoader(jar, location, ClassLoader.getPlatformClassLoader());
            Class.forName(BOOTSTRAP_API, true, isolated).getMethod("install", JarFile.class, Instrumentation.class)
                    .invoke(null, jar, instrumentation);
            Class.forName(INSTALLER, true, isolated)
                    .getMethod("install", String.class, Instrumentation.class)
                    .invoke(null, argument, instrumentation);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause.getClass().getName().equals(CONFIG_EXCEPTION)) {
                System.err.println("[bulwark] configuration error; the JVM will not start:");
                for (String line : cause.getMessage().split("\\R")) {
                    System.err.println("[bulwark]   " + line);
                }
                System.err.flush();
                Runtime.getRuntime().halt(EXIT_CONFIG);
            }
            fail(cause);
        } catch (Exception | LinkageError e) {
            fail(e);
        }
    }

    private static void fail(Throwable t) {
        System.err.println("[bulwark] the agent failed to start; the JVM will not start unguarded "
                + "(set bulwark.enabled=false to run without Bulwark):");
        t.printStackTrace(System.err);
        System.err.flush();
        Runtime.getRuntime().halt(EXIT_SOFTWARE);
    }

    /** {@code java -jar bulwark-agent.jar <command>}: operations from a shell, run in the isolated loader. */
    public static void main(String[] args) throws Exception {
        URL location = AgentBoot.class.getProtectionDomain().getCodeSource().getLocation();
        // No application to isolate from here: the API classes at the jar's root come from the system loader.
        ClassLoader isolated = new IsolatedClassLoader(new JarFile(new File(location.toURI())), location,
                ClassLoader.getSystemClassLoader());
        Object status = Class.forName(CLI, true, isolated).getMethod("run", String[].class).invoke(null,
                (Object) args);
        System.exit((Integer) status);
    }
}
