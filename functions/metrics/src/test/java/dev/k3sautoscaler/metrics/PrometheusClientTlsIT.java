package dev.k3sautoscaler.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.k3sautoscaler.metrics.QueryResult.Failed;
import dev.k3sautoscaler.core.metrics.QueryFailure;
import dev.k3sautoscaler.metrics.QueryResult.Samples;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production path's TLS: an API server whose certificate only the cluster CA vouches for (as
 * K3s's self-signed CA does). The certificate is made by the JDK's own keytool.
 */
class PrometheusClientTlsIT {
    private static final Instant AT = Instant.parse("2026-03-02T12:00:00Z");
    private static final char[] PASSWORD = "changeit".toCharArray();
    /** keytool makes an EC key pair in well under a second; a minute means it hangs. */
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;
    private static final String ANSWER = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}";

    @TempDir
    static Path directory;
    private static HttpsServer server;
    private static String caPem;
    private static final AtomicReference<String> authorization = new AtomicReference<>();

    @BeforeAll
    static void startApiServer() throws Exception {
        Path keystore = directory.resolve("api-server.p12");
        Path certificate = directory.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "api", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=k3s-server-ca", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
                "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD));
        keytool("-exportcert", "-rfc", "-alias", "api", "-keystore", keystore.toString(),
                "-storepass", new String(PASSWORD), "-file", certificate.toString());
        caPem = Files.readString(certificate);

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = ANSWER.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stopApiServer() {
        server.stop(0);
    }

    @Test
    void clusterCa_isTrusted_andTheTokenTravelsOverTls() {
        // GIVEN
        PrometheusClient client = new PrometheusClient(proxyEndpoint(), () -> "s3cret-token", () -> caPem);

        // WHEN
        QueryResult result = client.querySync("up", AT);

        // THEN
        assertInstanceOf(Samples.class, result, () -> result.toString());
        assertEquals("Bearer s3cret-token", authorization.get());
    }

    @Test
    void withoutTheClusterCa_theConnectionIsRefused() {
        // GIVEN the JDK's default trust store only
        PrometheusClient client = new PrometheusClient(proxyEndpoint(), () -> "s3cret-token", () -> null);

        // WHEN
        Failed failed = assertInstanceOf(Failed.class, client.querySync("up", AT));

        // THEN
        assertEquals(QueryFailure.UNREACHABLE, failed.failure());
        assertTrue(failed.detail().startsWith("TLS with 127.0.0.1:"), failed.detail());
    }

    private static PrometheusEndpoint proxyEndpoint() {
        return PrometheusEndpoint.serviceProxy(URI.create("https://127.0.0.1:" + server.getAddress().getPort()),
                "monitoring/prometheus:9090");
    }

    private static void keytool(String... arguments) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }
}
