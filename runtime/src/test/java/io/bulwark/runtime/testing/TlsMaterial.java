package io.bulwark.runtime.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate, made with the JDK's own keytool (a bare machine has a JDK, not necessarily openssl),
 * as PEM files for Redis and a PKCS12 trust store for Java clients.
 */
public record TlsMaterial(Path certificate, Path privateKey, Path trustStore, String password) {

    /** For 127.0.0.1 and localhost. */
    public static TlsMaterial create(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
        return create(dir, "ip:127.0.0.1,dns:localhost");
    }

    /** @param names the subject alternative names, {@code ip:127.0.0.1,dns:localhost} */
    public static TlsMaterial create(Path dir, String names) throws IOException, InterruptedException,
            GeneralSecurityException {
        String password = "bulwark-test";
        Path keyStore = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "redis", "-keyalg", "RSA",
                "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost", "-ext", "SAN=" + names,
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", password, "-keypass", password)
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, password.toCharArray());
        }
        Key key = store.getKey("redis", password.toCharArray());
        Certificate cert = store.getCertificate("redis");
        Path certificate = dir.resolve("redis.crt");
        Path privateKey = dir.resolve("redis.key");
        Files.writeString(certificate, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(privateKey, pem("PRIVATE KEY", key.getEncoded()));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("redis", cert);
        Path trustStore = dir.resolve("trust.p12");
        try (var out = Files.newOutputStream(trustStore)) {
            trust.store(out, password.toCharArray());
        }
        return new TlsMaterial(certificate, privateKey, trustStore, password);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
