package io.bulwark.runtime.guard;

import io.bulwark.rules.AsyncReturns;
import io.bulwark.rules.key.Parameter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A guarded method as the agent found it in the class file.
 *
 * @param declaringType binary name of the class
 * @param descriptor    JVM method descriptor, {@code (Ljava/lang/String;)V}
 * @param keyExtractors per {@code @RateLimited}, the generated extractor the processor's index names
 *                      ({@code com.acme.Auth_BulwarkKeys#key0}), or null to compile the template here
 * @param audit         its {@code @Audited}, or null
 * @param twoFactor     its {@code @Requires2FA}, or null
 * @param returns       how it delivers its outcome ({@link AsyncReturns#of}): when its guards settle
 */
public record MethodSpec(String declaringType, String name, String descriptor, List<Parameter> parameters,
        List<RateLimitSpec> rateLimits, List<String> keyExtractors, AuditSpec audit, TwoFactorSpec twoFactor,
        AsyncReturns.Shape returns) {

    public MethodSpec {
        parameters = List.copyOf(parameters);
        rateLimits = List.copyOf(rateLimits);
        keyExtractors = Collections.unmodifiableList(new ArrayList<>(keyExtractors));
    }

    /** A method that returns its outcome. */
    public MethodSpec(String declaringType, String name, String descriptor, List<Parameter> parameters,
            List<RateLimitSpec> rateLimits, List<String> keyExtractors, AuditSpec audit, TwoFactorSpec twoFactor) {
        this(declaringType, name, descriptor, parameters, rateLimits, keyExtractors, audit, twoFactor,
                AsyncReturns.Shape.PLAIN);
    }

    /** A method without {@code @Requires2FA}. */
    public MethodSpec(String declaringType, String name, String descriptor, List<Parameter> parameters,
            List<RateLimitSpec> rateLimits, List<String> keyExtractors, AuditSpec audit) {
        this(declaringType, name, descriptor, parameters, rateLimits, keyExtractors, audit, null);
    }

    /** A rate-limited method. */
    public MethodSpec(String declaringType, String name, String descriptor, List<Parameter> parameters,
            List<RateLimitSpec> rateLimits, List<String> keyExtractors) {
        this(declaringType, name, descriptor, parameters, rateLimits, keyExtractors, null);
    }

    /** A rate-limited method found without the processor: every template is compiled here. */
    public MethodSpec(String declaringType, String name, String descriptor, List<Parameter> parameters,
            List<RateLimitSpec> rateLimits) {
        this(declaringType, name, descriptor, parameters, rateLimits, Collections.nCopies(rateLimits.size(), null));
    }

    /** The declared return type's binary name ({@code java.util.concurrent.Future}, {@code int}), for messages. */
    public String returnType() {
        String type = descriptor.substring(descriptor.indexOf(')') + 1);
        int dims = 0;
        while (type.charAt(dims) == '[') {
            dims++;
        }
        String element = type.substring(dims);
        String name = switch (element.charAt(0)) {
            case 'L' -> element.substring(1, element.length() - 1).replace('/', '.');
            case 'V' -> "void";
            case 'Z' -> "boolean";
            case 'B' -> "byte";
            case 'C' -> "char";
            case 'S' -> "short";
            case 'I' -> "int";
            case 'J' -> "long";
            case 'F' -> "float";
            default -> "double";
        };
        return name + "[]".repeat(dims);
    }

    /** Whether it is a Kotlin {@code suspend} function (its last parameter is the continuation). */
    public boolean suspend() {
        return !parameters.isEmpty()
                && AsyncReturns.CONTINUATION.equals(parameters.get(parameters.size() - 1).type());
    }

    /** The generated extractor of the {@code i}-th {@code @RateLimited}, or null. */
    public String keyExtractor(int i) {
        return i < keyExtractors.size() ? keyExtractors.get(i) : null;
    }

    /** {@code com.acme.AuthService.login(String, String)}: how log lines and errors name the method. */
    public String display() {
        // A loop rather than a stream: this runs as each guard registers, often while the application starts.
        StringBuilder display = new StringBuilder(declaringType).append('.').append(name).append('(');
        for (int i = 0; i < parameters.size(); i++) {
            String type = parameters.get(i).type();
            display.append(i == 0 ? "" : ", ").append(type, type.lastIndexOf('.') + 1, type.length());
        }
        return display.append(')').toString();
    }
}
