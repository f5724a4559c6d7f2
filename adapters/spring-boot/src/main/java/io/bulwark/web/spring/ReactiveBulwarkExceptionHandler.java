package io.bulwark.web.spring;

import io.bulwark.BulwarkException;
import io.bulwark.Caller;
import io.bulwark.web.Refusal;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ServerWebExchange;

/**
 * For WebFlux controllers, what {@link BulwarkExceptionHandler} is for Spring MVC: answers a {@link BulwarkException}
 * (a refused {@code Mono}, or a throw) ahead of the application's own advice, which would otherwise turn a 429 into a
 * 500. Refusals outside controllers (functional endpoints, filters) are answered by {@link BulwarkWebFilter}.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ReactiveBulwarkExceptionHandler {

    @ExceptionHandler(BulwarkException.class)
    public ResponseEntity<String> refused(BulwarkException refused, ServerWebExchange exchange) {
        Caller caller = exchange.getAttribute(BulwarkWebFilter.CALLER_ATTRIBUTE);
        Refusal refusal = Refusal.of(refused, caller == null ? null : caller.requestId());
        HttpHeaders headers = new HttpHeaders();
        refusal.headers().forEach(headers::set);
        return ResponseEntity.status(refusal.status()).headers(headers).body(refusal.body() + "\n");
    }
}
