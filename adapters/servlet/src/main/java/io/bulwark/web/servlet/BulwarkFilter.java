package io.bulwark.web.servlet;

import io.bulwark.Bulwark;
import io.bulwark.BulwarkException;
import io.bulwark.Caller;
import io.bulwark.web.CallerResolver;
import io.bulwark.web.Refusal;
import io.bulwark.web.WebSettings;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Binds the Bulwark {@link Caller} for each request and answers any {@link BulwarkException} the request raises with
 * its status, headers ({@code Retry-After}, {@code RateLimit-*}) and a small JSON body.
 *
 * <pre>{@code
 * // Programmatic registration (Servlet 3+):
 * servletContext.addFilter("bulwark", new BulwarkFilter(WebSettings.from(Map.of(
 *         "bulwark.web.trusted-proxies", "10.0.0.0/8"), "code"))).addMappingForUrlPatterns(null, false, "/*");
 * }</pre>
 *
 * <p>Created by the container (web.xml, {@code @WebFilter}), it reads its init parameters, named without the
 * prefix ({@code trusted-proxies}, {@code user-header}, ...), and over them the {@code bulwark.web.*} system
 * properties.
 *
 * <p>The caller: user from {@code getUserPrincipal()}, else the configured user header; roles asked with
 * {@code isUserInRole} and from a roles header; org from a request attribute or header; IP from the socket, or from
 * {@code X-Forwarded-For}/{@code Forwarded} when the peer is a trusted proxy; request id from {@code X-Request-Id} or
 * a fresh one, echoed in the response; an opaque hash of the existing session's id; the user agent.
 */
public class BulwarkFilter implements Filter {

    /** The request attribute holding the bound caller, reused when the request is dispatched again (async). */
    public static final String CALLER_ATTRIBUTE = Caller.class.getName();
    /** Causes unwrapped at most when looking for a refusal inside a framework's wrapper exception. */
    private static final int MAX_CAUSES = 8;

    private volatile CallerResolver resolver;
    private final List<CallerCustomizer> customizers;

    /** For containers: configured in {@link #init(FilterConfig)}. */
    public BulwarkFilter() {
        this.resolver = null;
        this.customizers = List.of();
    }

    public BulwarkFilter(WebSettings settings) {
        this(settings, List.of());
    }

    /** @param customizers applied in order to each caller the filter builds */
    public BulwarkFilter(WebSettings settings, List<CallerCustomizer> customizers) {
        this.resolver = new CallerResolver(settings);
        this.customizers = List.copyOf(customizers);
    }

    @Override
    public void init(FilterConfig config) throws ServletException {
        if (resolver != null) {
            return;
        }
        Map<String, String> keys = new TreeMap<>();
        for (String name : Collections.list(config.getInitParameterNames())) {
            keys.put(WebSettings.PREFIX + name, config.getInitParameter(name));
        }
        try {
            resolver = new CallerResolver(WebSettings.fromSystemProperties(keys, "init parameter of filter "
                    + config.getFilterName()));
        } catch (IllegalArgumentException e) {
            throw new ServletException(e.getMessage(), e);
        }
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        CallerResolver resolver = resolver();
        Caller caller = request.getAttribute(CALLER_ATTRIBUTE) instanceof Caller bound ? bound : newCaller(request);
        String requestIdHeader = resolver.settings().requestIdHeader();
        response.setHeader(requestIdHeader, caller.requestId());
        try (Bulwark.Scope scope = Bulwark.bind(caller)) {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            // Frameworks wrap what a servlet throws (Spring MVC: ServletException "Request processing failed").
            BulwarkException refused = refusalIn(e);
            if (refused == null || response.isCommitted()) {
                // Part of another answer may be on the wire already: nothing sensible can follow it.
                throw e;
            }
            // Only the body goes: headers set before the call stay, CORS ones included, or a browser would hide
            // the 429 and its Retry-After from the page that asked.
            response.resetBuffer();
            write(Refusal.of(refused, caller.requestId()), response);
        }
    }

    private CallerResolver resolver() {
        CallerResolver r = resolver;
        if (r == null) {
            throw new IllegalStateException("BulwarkFilter was created without settings and never initialized: "
                    + "register it with the container, or construct it with WebSettings");
        }
        return r;
    }

    private Caller newCaller(HttpServletRequest request) {
        Caller caller = resolver().resolve(new ServletRequestView(request));
        for (CallerCustomizer customizer : customizers) {
            caller = customizer.customize(caller, request);
        }
        request.setAttribute(CALLER_ATTRIBUTE, caller);
        return caller;
    }

    private static BulwarkException refusalIn(Throwable thrown) {
        Throwable t = thrown;
        for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
            if (t instanceof BulwarkException refused) {
                return refused;
            }
        }
        return null;
    }

    /** Writes {@code refusal} as the whole response. */
    static void write(Refusal refusal, HttpServletResponse response) throws IOException {
        refusal.headers().forEach(response::setHeader);
        response.setStatus(refusal.status());
        String body = refusal.body() + "\n";
        response.setContentLength(body.length());
        try {
            response.getOutputStream().write(body.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalStateException writerInUse) {
            // The handler had opened the writer before it was refused; the body is ASCII, so its charset is moot.
            response.getWriter().write(body);
        }
        response.flushBuffer();
    }
}
