package io.bulwark.web.servlet;

import io.bulwark.Bulwark;
import io.bulwark.Caller;
import io.bulwark.GuardUnavailableException;
import io.bulwark.RateLimitedException;
import io.bulwark.web.WebSettings;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.security.Principal;
import java.time.Duration;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * An embedded Tomcat on a free loopback port with the filter in front of a servlet that prints the caller it sees:
 * {@code /direct/*} trusts no proxy and is configured in code; {@code /proxied/*} is configured by init parameters,
 * as a container-created filter is, and trusts 127.0.0.1 and ::1; {@code /authenticated/*} puts an authenticated
 * principal in front of the direct filter.
 */
final class TomcatServer implements AutoCloseable {

    private final Tomcat tomcat = new Tomcat();
    final int port;

    TomcatServer(Path baseDir) throws LifecycleException {
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "probe", new Probe());
        context.addServletMappingDecoded("/*", "probe");

        filter(context, "principal", new AuthenticatedAs(), "/authenticated/*", Map.of());
        BulwarkFilter direct = new BulwarkFilter(WebSettings.from(Map.of("bulwark.web.user-header", "X-User",
                "bulwark.web.roles", "admin,auditor", "bulwark.web.org-header", "X-Org"), "test"));
        filter(context, "direct", direct, "/direct/*", Map.of());
        filter(context, "authenticated", direct, "/authenticated/*", Map.of());
        filter(context, "proxied", new BulwarkFilter(), "/proxied/*", Map.of("trusted-proxies", "127.0.0.1/32, ::1",
                "user-header", "X-User"));
        tomcat.start();
        port = connector.getLocalPort();
    }

    private static void filter(Context context, String name, Filter filter, String pattern,
            Map<String, String> initParameters) {
        FilterDef def = new FilterDef();
        def.setFilterName(name);
        def.setFilter(filter);
        initParameters.forEach(def::addInitParameter);
        context.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName(name);
        map.addURLPattern(pattern);
        context.addFilterMap(map);
    }

    @Override
    public void close() throws LifecycleException {
        tomcat.stop();
        tomcat.destroy();
    }

    /** Prints the bound caller, or raises what its path asks for. */
    private static final class Probe extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response)
                throws IOException, ServletException {
            String path = request.getRequestURI();
            RateLimitedException limited = new RateLimitedException("api", 100, 0, Duration.ofMinutes(1),
                    Duration.ofSeconds(7), Duration.ofSeconds(60));
            if (path.endsWith("/refuse")) {
                response.setHeader("Access-Control-Allow-Origin", "https://app.example.com");
                response.getWriter().write("discarded, as the writer's charset cannot be");
                throw limited;
            }
            if (path.endsWith("/refuse-wrapped")) {
                throw new ServletException("Request processing failed", limited);
            }
            if (path.endsWith("/unavailable")) {
                throw new GuardUnavailableException("login", "Redis is unreachable");
            }
            if (path.endsWith("/refuse-after-commit")) {
                response.getWriter().write("partial");
                response.flushBuffer();
                throw limited;
            }
            if (path.endsWith("/session")) {
                request.getSession(true);
            }
            Caller caller = Bulwark.caller();
            response.setContentType("text/plain");
            response.getWriter().write("user=" + caller.user() + "\nip=" + caller.ip() + "\nroles=" + caller.roles()
                    + "\norg=" + caller.org() + "\nrequestId=" + caller.requestId() + "\nsession=" + caller.session()
                    + "\nuserAgent=" + caller.userAgent() + "\n");
        }
    }

    /** Stands in for an authentication filter: the principal is alice, in role auditor. */
    private static final class AuthenticatedAs implements Filter {
        @Override
        public void doFilter(jakarta.servlet.ServletRequest request, jakarta.servlet.ServletResponse response,
                jakarta.servlet.FilterChain chain) throws IOException, ServletException {
            chain.doFilter(new HttpServletRequestWrapper((HttpServletRequest) request) {
                @Override
                public Principal getUserPrincipal() {
                    return () -> "alice";
                }

                @Override
                public boolean isUserInRole(String role) {
                    return role.equals("auditor");
                }
            }, response);
        }
    }
}
