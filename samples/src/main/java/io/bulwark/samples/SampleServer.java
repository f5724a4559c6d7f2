package io.bulwark.samples;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bulwark.Bulwark;
import io.bulwark.TwoFactor;
import io.bulwark.TwoFactorEnrollment;
import io.bulwark.web.WebSettings;
import io.bulwark.web.httpserver.BulwarkFilter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small HTTP service guarded by Bulwark: {@code POST /login} (lockout), {@code GET /api/items} (quota),
 * {@code POST /2fa/enroll} and {@code /2fa/confirm} (a second factor) and {@code POST /transfer} (step-up).
 *
 * <p>Who is calling comes from an {@code X-User} header, as if an upstream gateway had authenticated them: a demo,
 * not an authentication scheme.
 *
 * <pre>
 * java -javaagent:agent/target/bulwark-agent.jar -jar samples/target/bulwark-sample.jar [port]
 * </pre>
 */
public final class SampleServer {

    private final AuthService auth = new AuthService();
    private final CatalogService catalog = new CatalogService();
    private final TransferService transfers = new TransferService();
    private final FactorService factors = new FactorService();
    /**
     * {@code X-User} names the caller and {@code X-Session} its session, as a gateway that authenticated the request
     * would; a second-factor code comes in {@code X-OTP}; {@code bulwark.web.*} system properties (trusted proxies,
     * say) apply on top.
     */
    private final BulwarkFilter filter = new BulwarkFilter(WebSettings.fromSystemProperties(
            Map.of("bulwark.web.user-header", "X-User", "bulwark.web.session-header", "X-Session"), "SampleServer"));

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args.length > 0 ? args[0] : System.getenv().getOrDefault("PORT", "8080"));
        if (!Bulwark.agentActive()) {
            System.err.println("WARNING: the Bulwark agent is not running: nothing is guarded. Start with "
                    + "-javaagent:agent/target/bulwark-agent.jar");
        }
        HttpServer server = new SampleServer().start(new InetSocketAddress("127.0.0.1", port));
        System.out.println("Bulwark sample listening on http://127.0.0.1:" + server.getAddress().getPort());
        System.out.println("  try: curl -i -d 'email=alice@example.com&password=wrong' http://127.0.0.1:"
                + server.getAddress().getPort() + "/login   (the 6th try is refused: 429, Retry-After)");
    }

    HttpServer start(InetSocketAddress address) throws IOException {
        // The JDK server writes headers and body separately; with Nagle's algorithm on, each small answer waits
        // for the client's delayed ACK (~40 ms on Linux).
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        HttpServer server = HttpServer.create(address, 0);
        ExecutorService workers = Executors.newFixedThreadPool(8, task -> {
            Thread t = new Thread(task, "sample-http");
            t.setDaemon(false);
            return t;
        });
        server.setExecutor(workers);
        guarded(server.createContext("/login", this::login));
        guarded(server.createContext("/api/items", this::items));
        guarded(server.createContext("/2fa/enroll", this::enroll));
        guarded(server.createContext("/2fa/confirm", this::confirm));
        guarded(server.createContext("/transfer", this::transfer));
        server.start();
        return server;
    }

    private void guarded(HttpContext context) {
        context.getFilters().add(filter);
    }

    private void login(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            Http.send(exchange, 405, Json.object(Map.of("error", "use POST with email and password")));
            return;
        }
        Map<String, String> form = Http.form(exchange);
        if (form == null) {
            // The rest of the body is unread: the connection cannot carry another request.
            exchange.getResponseHeaders().set("Connection", "close");
            Http.send(exchange, 413, Json.object(Map.of("error", "form too large")));
            return;
        }
        String email = form.getOrDefault("email", "");
        String password = form.getOrDefault("password", "");
        try {
            String session = auth.login(email, password);
            Http.send(exchange, 200, Json.object(Map.of("session", session)));
        } catch (AuthService.InvalidCredentials e) {
            Http.send(exchange, 401, Json.object(Map.of("error", "invalid_credentials")));
        }
    }

    private void items(HttpExchange exchange) throws IOException {
        if (Bulwark.caller().user() == null) {
            Http.send(exchange, 401, Json.object(Map.of("error", "send X-User: <your user id>")));
            return;
        }
        StringBuilder items = new StringBuilder("[");
        for (CatalogService.Item item : catalog.items()) {
            items.append(items.length() > 1 ? "," : "").append("{\"id\":").append(Json.string(item.id()))
                    .append(",\"name\":").append(Json.string(item.name())).append('}');
        }
        Http.send(exchange, 200, "{\"items\":" + items + "]}");
    }

    /**
     * Starts an enrollment for the caller. One whose factor is locked cannot (an operator unlocks it); one whose factor
     * is active may, but confirming the new one then takes the current one's code too (see {@link #confirm}).
     */
    private void enroll(HttpExchange exchange) throws IOException {
        String user = signedIn(exchange, "POST");
        if (user == null) {
            return;
        }
        if (TwoFactor.status(user) == TwoFactor.Status.LOCKED) {
            Http.send(exchange, 409,
                    Json.object(Map.of("error", "the second factor is locked: an operator unlocks it")));
            return;
        }
        TwoFactorEnrollment e;
        try {
            e = TwoFactor.enroll(user, user);
        } catch (IllegalArgumentException badName) {
            // The label an app shows is "issuer:account": a user id with ':' or control characters cannot be one.
            Http.send(exchange, 400, Json.object(Map.of("error", badName.getMessage())));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("otpauthUri", e.otpauthUri());
        body.put("secret", e.secret());
        body.put("qrPng", Base64.getEncoder().encodeToString(e.qrPng()));
        body.put("next", "POST /2fa/confirm with code=<the code your app shows>"
                + (TwoFactor.status(user) == TwoFactor.Status.ACTIVE
                        ? " and X-OTP: <your current factor's code>"
                        : ""));
        Http.send(exchange, 200, Json.object(body));
    }

    /**
     * Confirms the caller's enrollment with {@code code}. Replacing an active factor first verifies the current one
     * ({@code X-OTP} in this request, or a session fresh within 5 minutes): without that a password would be enough to
     * swap in an attacker's phone, and {@code TwoFactor.confirm} refuses it anyway.
     */
    private void confirm(HttpExchange exchange) throws IOException {
        Map<String, String> form = signedInForm(exchange);
        if (form == null) {
            return;
        }
        String user = Bulwark.caller().user();
        if (TwoFactor.status(user) == TwoFactor.Status.ACTIVE) {
            factors.currentFactorVerified();
        }
        List<String> codes = TwoFactor.confirm(user, form.getOrDefault("code", ""));
        Http.send(exchange, 200, Json.object(Map.of("recoveryCodes", codes)));
    }

    /** {@code from}, {@code to}, {@code cents}: a transfer, once the caller's session has a fresh second factor. */
    private void transfer(HttpExchange exchange) throws IOException {
        Map<String, String> form = signedInForm(exchange);
        if (form == null) {
            return;
        }
        long cents;
        try {
            cents = Long.parseLong(form.getOrDefault("cents", ""));
        } catch (NumberFormatException e) {
            Http.send(exchange, 400, Json.object(Map.of("error", "cents must be a whole number")));
            return;
        }
        TransferService.Receipt r = transfers.transfer(form.getOrDefault("from", ""), form.getOrDefault("to", ""),
                cents);
        Http.send(exchange, 200, Json.object(Map.of("receipt", r.id(), "from", r.from(), "to", r.to(),
                "cents", r.cents())));
    }

    /** The form a signed-in caller POSTed, or null after answering 405, 401 or 413. */
    private static Map<String, String> signedInForm(HttpExchange exchange) throws IOException {
        if (signedIn(exchange, "POST") == null) {
            return null;
        }
        Map<String, String> form = Http.form(exchange);
        if (form == null) {
            exchange.getResponseHeaders().set("Connection", "close");
            Http.send(exchange, 413, Json.object(Map.of("error", "form too large")));
        }
        return form;
    }

    /** The caller's user id, or null after answering 405 or 401. */
    private static String signedIn(HttpExchange exchange, String method) throws IOException {
        if (!exchange.getRequestMethod().equals(method)) {
            Http.send(exchange, 405, Json.object(Map.of("error", "use " + method)));
            return null;
        }
        String user = Bulwark.caller().user();
        if (user == null) {
            Http.send(exchange, 401, Json.object(Map.of("error", "send X-User: <your user id>")));
        }
        return user;
    }
}
