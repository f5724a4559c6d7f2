package io.bulwark.samples.boot;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.Advisor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The proxy behind {@link ServerTimed}: Spring AOP, as {@code @Transactional} uses it (an infrastructure advisor that
 * Boot's auto-proxy creator applies, through a CGLIB subclass of the controller).
 */
@Configuration(proxyBeanMethods = false)
public class ServerTiming {

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static Advisor serverTimingAdvisor() {
        MethodInterceptor timing = ServerTiming::timed;
        return new DefaultPointcutAdvisor(new AnnotationMatchingPointcut(ServerTimed.class, true), timing);
    }

    private static Object timed(MethodInvocation invocation) throws Throwable {
        long start = System.nanoTime();
        try {
            return invocation.proceed();
        } finally {
            if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                    && attributes.getResponse() != null) {
                attributes.getResponse().setHeader("Server-Timing",
                        "app;dur=" + (System.nanoTime() - start) / 10_000 / 100.0);
            }
        }
    }
}
