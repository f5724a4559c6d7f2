package io.bulwark.web.servlet;

import io.bulwark.Caller;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Adds what only the application knows to the caller the filter built: an email, roles from its own security
 * context, a tenant from the host name.
 *
 * <pre>{@code
 * CallerCustomizer email = (caller, request) ->
 *         request.getUserPrincipal() instanceof MyPrincipal p ? caller.email(p.email()) : caller;
 * }</pre>
 *
 * <p>Called once per request, on the request's thread, before any guarded code runs; it must not throw.
 */
@FunctionalInterface
public interface CallerCustomizer {

    Caller customize(Caller caller, HttpServletRequest request);
}
