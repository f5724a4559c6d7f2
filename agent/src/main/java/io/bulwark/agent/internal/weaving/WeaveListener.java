package io.bulwark.agent.internal.weaving;

import io.bulwark.runtime.log.Log;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

/** Reports woven classes (debug) and classes that could not be woven (error: their guards do not apply). */
final class WeaveListener extends AgentBuilder.Listener.Adapter {

    @Override
    public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
            DynamicType dynamicType) {
        Log.debug("woven " + type.getName() + (loaded ? " (retransformed)" : ""));
    }

    @Override
    public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable error) {
        RequireWoven.FAILED.set(Boolean.TRUE);
        Log.error("could not examine or weave " + typeName + "; if it declares guarded methods, they run UNGUARDED ("
                + error + ")");
    }
}
