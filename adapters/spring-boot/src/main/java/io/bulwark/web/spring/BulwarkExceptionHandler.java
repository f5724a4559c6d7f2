package io.bulwark.web.spring;

import io.bulwark.Bulwark;
import io.bulwark.BulwarkException;
import io.bulwark.web.Refusal;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers a {@link BulwarkException} thrown by a controller with its status, headers and JSON body, before any of
 * the application's own advice: a catch-all {@code @ExceptionHandler(Exception.class)} would otherwise turn a
 * {@code 429} into a {@code 500}. A controller's own {@code @ExceptionHandler} for a Bulwark exception still wins
 * (Spring asks the controller first). Replace this bean to answer differently.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class BulwarkExceptionHandler {

    @ExceptionHandler(BulwarkException.class)
    public ResponseEntity<String> refused(BulwarkException refused) {
        Refusal refusal = Refusal.of(refused, Bulwark.caller().requestId());
        HttpHeaders headers = new HttpHeaders();
        refusal.headers().forEach(headers::set);
        return ResponseEntity.status(refusal.status()).headers(headers).body(refusal.body() + "\n");
    }
}
