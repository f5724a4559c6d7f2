package io.bulwark.rules.key;

import io.bulwark.Redact;
import java.util.List;

/**
 * What {@link KeyPlanner} needs to know about the application's types, answered without loading them: the agent
 * implements it over class files (read with ASM), the processor over {@code javax.lang.model}. It only
 * lists facts; {@link Properties} decides which method reads which property. Type names are binary names
 * ({@code com.acme.Outer$Inner}, {@code int}). Not API.
 */
public interface TypeModel {

    /**
     * The public, non-static, no-argument, non-void methods of {@code typeName}, declared or inherited (from
     * superclasses and interfaces), except those of {@code java.lang.Object}. Empty for primitives and for
     * types the model cannot find.
     */
    List<Accessor> accessors(String typeName);

    /** Whether {@code typeName} is an enum. */
    boolean isEnum(String typeName);

    /**
     * The {@code @Redact} mode of the field (a record component's too) named {@code field} that {@code typeName}
     * declares or inherits, or {@code null} when there is none or it is not redacted.
     */
    Redact.Mode redaction(String typeName, String field);

    /** A public no-argument method returning {@code returnType}, declared by {@code declaringType}. */
    record Accessor(String declaringType, String name, String returnType) {
    }
}
