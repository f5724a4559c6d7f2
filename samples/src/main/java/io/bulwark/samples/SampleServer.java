package io.bulwark.samples;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bulwark.Bulwark;
import io.bulwark.web.WebSettings;
import io.bulwark.web.httpserver.BulwarkFilter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small HTTP service guarded by Bulwark: {@code POST /login} (lockout) and {@code GET /api/items} (quota).
 *
 * <pre>
 * java -javaagent:agent/target/bulwark-agent.jar -jar samples/target/bulwark-sample.jar [port]
 * </pre>
 */
public final class SampleServer {

    private final AuthService auth = new AuthService();
    private final CatalogService catalog = new CatalogService();
    /**
     * {@code X-User} names the caller, as a gateway that authenticated the request would; {@code bulwark.web.*}
     * system properties (trusted proxies, say) apply on top.
     */
    private final BulwarkFilter filter = new BulwarkFilter(WebSettings.fromSystemProperties(
            Map.of("bulwark.web.user-header", "X-User"), "SampleServer"));

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
}
