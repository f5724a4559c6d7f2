package io.bulwark.web.servlet;

import io.bulwark.web.HttpRequestView;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/** A servlet request as the caller resolver reads it. */
final class ServletRequestView implements HttpRequestView {

    /** Header lines read at most per name: a server caps their total size, this caps the work per name. */
    private static final int MAX_LINES = 64;

    private final HttpServletRequest request;

    ServletRequestView(HttpServletRequest request) {
        this.request = request;
    }

    @Override
    public String peerAddress() {
        return request.getRemoteAddr();
    }

    @Override
    public List<String> headers(String name) {
        Enumeration<String> values = request.getHeaders(name);
        if (values == null || !values.hasMoreElements()) {
            return List.of();
        }
        String first = values.nextElement();
        if (!values.hasMoreElements()) {
            return List.of(first);
        }
        List<String> all = new ArrayList<>();
        all.add(first);
        while (values.hasMoreElements() && all.size() < MAX_LINES) {
            all.add(values.nextElement());
        }
        return all;
    }

    @Override
    public String principal() {
        Principal principal = request.getUserPrincipal();
        return principal == null ? null : principal.getName();
    }

    @Override
    public Object attribute(String name) {
        return request.getAttribute(name);
    }

    @Override
    public String sessionId() {
        // getSession(false): a filter that creates a session for every request (bots included) fills the store.
        HttpSession session = request.getSession(false);
        return session == null ? null : session.getId();
    }

    @Override
    public boolean inRole(String role) {
        return request.isUserInRole(role);
    }
}
