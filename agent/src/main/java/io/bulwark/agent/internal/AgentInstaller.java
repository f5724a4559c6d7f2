package io.bulwark.agent.internal;

import io.bulwark.agent.internal.weaving.Weaver;
import io.bulwark.internal.Dispatch;
import io.bulwark.runtime.BulwarkRuntime;
import io.bulwark.runtime.config.ConfigLoader;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.log.Log;
import java.lang.instrument.Instrumentation;

/** Reads the configuration, creates the runtime, installs the weaver. Called once, from premain. */
public final class AgentInstaller {

    private AgentInstaller() {
    }

    /**
     * @throws io.bulwark.runtime.config.ConfigException when the configuration is wrong (the JVM then stops)
     */
    public static void install(String argument, Instrumentation instrumentation) {
        Settings settings = ConfigLoader.loadIfEnabled(argument, System.getProperties(), System.getenv());
        if (settings == null) {
            Log.info("agent " + version() + " is disabled (bulwark.enabled=false): no method is guarded");
            return;
        }
        BulwarkRuntime runtime = BulwarkRuntime.create(settings);
        if (!Dispatch.install(runtime.guards())) {
            throw new IllegalStateException("another Bulwark runtime is already installed in this JVM");
        }
        if (BootstrapApi.unnamedReason() != null) {
            Log.warn("the API is not in its own module: " + BootstrapApi.unnamedReason() + "; code in this JVM could "
                    + "reach the dispatch bridge's state by reflection");
        }
        Weaver.install(instrumentation, settings, runtime.guards());
        runtime.watchConfig(argument);
        runtime.connectInBackground();
        Log.info("agent " + version() + " active: " + runtime.describe() + "; " + Weaver.describeGuards(settings)
                + (settings.requireWoven() ? "; methods that cannot be woven are refused" : ""));
    }

    private static String version() {
        String version = AgentInstaller.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }
}
