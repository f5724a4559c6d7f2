package io.bulwark.samples.boot;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Spring serves a bean so marked through a proxy that adds a {@code Server-Timing} header to its answers: the sample's
 * stand-in for what makes real controllers proxies ({@code @Transactional}, method security, metrics aspects).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
public @interface ServerTimed {
}
