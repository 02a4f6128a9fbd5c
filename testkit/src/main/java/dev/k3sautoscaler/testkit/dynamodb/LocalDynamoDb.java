package dev.k3sautoscaler.testkit.dynamodb;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import dev.k3sautoscaler.runtime.AwsClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local (the real query engine, in memory) started in this JVM on a free loopback port,
 * reached over HTTP by the production SDK client, so conditional writes, transactions and error
 * mapping are exercised exactly as against AWS. One server per JVM ({@link #shared()}) is enough:
 * tests separate themselves by table name.
 */
public final class LocalDynamoDb implements AutoCloseable {
    /**
     * What every client of this server signs with: DynamoDB Local keeps one database per access key
     * and region, so a client signing otherwise would not see the tables this one created.
     */
    public static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    public static final Region REGION = Region.US_EAST_1;

    private static LocalDynamoDb shared;

    private final DynamoDBProxyServer server;
    private final URI endpoint;

    private LocalDynamoDb(DynamoDBProxyServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    /** Starts a new in-memory server. Close it when done; prefer {@link #shared()} in tests. */
    public static LocalDynamoDb start() {
        // DynamoDB Local logs every request at INFO and every failed condition (an expected answer for us)
        // at WARN with a stack trace; thousands of those would bury the tests' own output.
        Configurator.setLevel("com.amazonaws.services.dynamodbv2", Level.ERROR);
        Configurator.setLevel("org.eclipse.jetty", Level.WARN);
        int port = freePort();
        try {
            // -disableTelemetry: tests and the simulator run offline; telemetry would also leave a
            // dynamodb-local-metadata.json in the working directory.
            DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                    new String[] {"-inMemory", "-disableTelemetry", "-port", Integer.toString(port)});
            server.start();
            return new LocalDynamoDb(server, URI.create("http://127.0.0.1:" + port));
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start on port " + port
                    + " (it needs its bundled sqlite4java native library and --enable-native-access=ALL-UNNAMED)", e);
        }
    }

    /** The JVM-wide server, started on first use and stopped when the JVM exits. */
    public static synchronized LocalDynamoDb shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "dynamodb-local-stop"));
        }
        return shared;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** A production-shaped client (url-connection HTTP, via AwsClients) pointed at this server. */
    public DynamoDbClient client() {
        return clientFor(endpoint);
    }

    /** A client for any DynamoDB-compatible endpoint, e.g. a {@link DynamoDbFaultServer}. */
    public static DynamoDbClient clientFor(URI endpoint) {
        return AwsClients.build(DynamoDbClient.builder(), REGION, CREDENTIALS, endpoint);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop cleanly", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free local port for DynamoDB Local", e);
        }
    }
}
