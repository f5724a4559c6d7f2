package io.bulwark.runtime.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A TCP server that speaks just enough RESP to be mistaken for Redis and then answers what the test says: a
 * reply that is not the script's answer, or nothing at all. For the failure paths a real Redis cannot show.
 */
public final class FakeRedis implements AutoCloseable {

    private final ServerSocket server;
    private final Function<List<String>, String> answer;
    private final List<Socket> clients = new ArrayList<>();

    /** @param answer the raw RESP reply to a command (its arguments), or null to never answer it */
    public FakeRedis(Function<List<String>, String> answer) {
        try {
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.answer = answer;
        Thread acceptor = new Thread(this::accept, "fake-redis");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public URI url() {
        return URI.create("redis://127.0.0.1:" + server.getLocalPort());
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                synchronized (clients) {
                    clients.add(client);
                }
                Thread t = new Thread(() -> serve(client), "fake-redis-client");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (InputStream in = new BufferedInputStream(client.getInputStream());
                OutputStream out = client.getOutputStream()) {
            while (true) {
                List<String> command = readCommand(in);
                if (command == null) {
                    return;
                }
                String reply = answer.apply(command);
                if (reply != null) {
                    out.write(reply.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        } catch (IOException closed) {
            // the client went away
        }
    }

    /** One RESP array of bulk strings, or null at the end of the stream. */
    private static List<String> readCommand(InputStream in) throws IOException {
        String header = line(in);
        if (header == null) {
            return null;
        }
        int n = Integer.parseInt(header.substring(1));
        List<String> args = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int len = Integer.parseInt(line(in).substring(1));
            args.add(new String(in.readNBytes(len), StandardCharsets.UTF_8));
            line(in);
        }
        return args;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder out = new StringBuilder();
        for (int c = in.read(); c != -1; c = in.read()) {
            if (c == '\n') {
                return out.toString().strip();
            }
            out.append((char) c);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (clients) {
            for (Socket s : clients) {
                s.close();
            }
        }
    }
}
