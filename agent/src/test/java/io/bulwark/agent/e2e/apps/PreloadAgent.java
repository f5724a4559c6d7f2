package io.bulwark.agent.e2e.apps;

import java.lang.instrument.Instrumentation;

/** Another agent, started before Bulwark's, that loads a guarded class: Bulwark must retransform it. */
public final class PreloadAgent {

    private PreloadAgent() {
    }

    public static void premain(String argument, Instrumentation instrumentation) throws ClassNotFoundException {
        Class.forName("io.bulwark.agent.e2e.apps.PreloadedApp$Target", true, PreloadAgent.class.getClassLoader());
    }
}
