package io.bulwark;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Who is calling: an immutable value bound to the current thread with {@link Bulwark#bind(Caller)}.
 *
 * <pre>{@code
 * Caller caller = Caller.of(userId).email(email).roles("admin").org(orgId).ip(remoteIp).requestId(id);
 * try (Bulwark.Scope scope = Bulwark.bind(caller)) {
 *     controller.handle(request);
 * }
 * }</pre>
 *
 * <p>Each {@code with}-style method returns a new {@code Caller}; the original is unchanged. Every field may
 * be {@code null} (unknown). Key templates read {@code {caller.user}}, {@code {caller.email}},
 * {@code {caller.ip}}, {@code {caller.org}} and {@code {caller.session}}.
 */
public final class Caller {

    private static final Caller ANONYMOUS = new Caller(null, null, Set.of(), null, null, null, null, null, null);

    private final String user;
    private final String email;
    private final Set<String> roles;
    private final String org;
    private final String ip;
    private final String userAgent;
    private final String requestId;
    private final String session;
    private final String otp;

    private Caller(String user, String email, Set<String> roles, String org, String ip, String userAgent,
            String requestId, String session, String otp) {
        this.user = user;
        this.email = email;
        this.roles = roles;
        this.org = org;
        this.ip = ip;
        this.userAgent = userAgent;
        this.requestId = requestId;
        this.session = session;
        this.otp = otp;
    }

    /** A caller identified by {@code user} (an id, not a display name); {@code null} for anonymous. */
    public static Caller of(String user) {
        return ANONYMOUS.user(user);
    }

    /** The caller nobody has identified: every field {@code null}, no roles. */
    public static Caller anonymous() {
        return ANONYMOUS;
    }

    public Caller user(String user) {
        return new Caller(user, email, roles, org, ip, userAgent, requestId, session, otp);
    }

    public Caller email(String email) {
        return new Caller(user, email, roles, org, ip, userAgent, requestId, session, otp);
    }

    public Caller roles(String... roles) {
        return roles(Arrays.asList(roles));
    }

    public Caller roles(Collection<String> roles) {
        Set<String> copy = new LinkedHashSet<>();
        for (String role : roles) {
            copy.add(Objects.requireNonNull(role, "a role is null"));
        }
        return new Caller(user, email, Collections.unmodifiableSet(copy), org, ip, userAgent, requestId, session, otp);
    }

    public Caller org(String org) {
        return new Caller(user, email, roles, org, ip, userAgent, requestId, session, otp);
    }

    /** The client's address as text (IPv4 or IPv6), as the adapter determined it. */
    public Caller ip(String ip) {
        return new Caller(user, email, roles, org, ip, userAgent, requestId, session, otp);
    }

    public Caller userAgent(String userAgent) {
        return new Caller(user, email, roles, org, ip, userAgent, requestId, session, otp);
    }

    public Caller requestId(String requestId) {
        return new Caller(user, email, roles, org, ip, userAgent, requestId, session, otp);
    }

    /** An opaque session identifier (never the session cookie's secret value itself, if you can avoid it). */
    public Caller session(String session) {
        return new Caller(user, email, roles, org, ip, userAgent, requestId, session, otp);
    }

    /**
     * A second-factor code the client presented with this request (e.g. from an {@code X-OTP} header): a TOTP code
     * or a recovery code, verified by a {@link Requires2FA} method when the session needs one. A secret: it is in
     * no log, key, audit record or {@link #toString()}.
     */
    public Caller otp(String code) {
        return new Caller(user, email, roles, org, ip, userAgent, requestId, session, code);
    }

    public String user() {
        return user;
    }

    public String email() {
        return email;
    }

    /** The roles, in the order given; never {@code null}, unmodifiable. */
    public Set<String> roles() {
        return roles;
    }

    public String org() {
        return org;
    }

    public String ip() {
        return ip;
    }

    public String userAgent() {
        return userAgent;
    }

    public String requestId() {
        return requestId;
    }

    public String session() {
        return session;
    }

    /** The presented second-factor code, or {@code null}. */
    public String otp() {
        return otp;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Caller c
                && Objects.equals(user, c.user) && Objects.equals(email, c.email) && roles.equals(c.roles)
                && Objects.equals(org, c.org) && Objects.equals(ip, c.ip) && Objects.equals(userAgent, c.userAgent)
                && Objects.equals(requestId, c.requestId) && Objects.equals(session, c.session)
                && Objects.equals(otp, c.otp);
    }

    @Override
    public int hashCode() {
        return Objects.hash(user, email, roles, org, ip, userAgent, requestId, session, otp);
    }

    /** Names who is calling and from where; the session identifier and any code are left out: they grant access. */
    @Override
    public String toString() {
        return "Caller[user=" + user + ", email=" + email + ", roles=" + roles + ", org=" + org + ", ip=" + ip
                + ", requestId=" + requestId + "]";
    }
}
