package io.bulwark.runtime.guard;

import io.bulwark.internal.key.Parameter;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A guarded method as the agent found it in the class file.
 *
 * @param declaringType binary name of the class
 * @param descriptor    JVM method descriptor, {@code (Ljava/lang/String;)V}
 */
public record MethodSpec(String declaringType, String name, String descriptor, List<Parameter> parameters,
        List<RateLimitSpec> rateLimits) {

    public MethodSpec {
        parameters = List.copyOf(parameters);
        rateLimits = List.copyOf(rateLimits);
    }

    /** {@code com.acme.AuthService.login(String, String)}: how log lines and errors name the method. */
    public String display() {
        return declaringType + "." + name + parameters.stream()
                .map(p -> p.type().substring(p.type().lastIndexOf('.') + 1))
                .collect(Collectors.joining(", ", "(", ")"));
    }
}
