package dev.k3sautoscaler.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.k3sautoscaler.runtime.AwsClients;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A warm Lambda reuses the HTTP connections of its last invocation, and the endpoint may have
 * closed them while the function was frozen. The production client must open a new one and answer,
 * not fail the step: here every connection is closed right after its first answer, without saying so.
 */
class StaleConnectionIT {

    @Test
    void aConnectionTheEndpointClosedUnannounced_isReplaced_notAFailedCall() throws IOException {
        try (ClosingServer server = ClosingServer.start()) {
            // The production client (AwsClients' HTTP client, StateClients' retry policy).
            DynamoDbClient client = AwsClients.build(StateClients.builder(), Region.US_EAST_1,
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")), server.endpoint());

            for (int call = 0; call < 5; call++) {
                boolean found = client.getItem(request -> request.tableName("state")
                        .key(Map.of("pk", AttributeValue.fromS("cluster")))).hasItem();
                assertFalse(found, "the server holds no item");
            }

            assertEquals(server.connections(), server.answers(), "one answer per connection: each was closed after it");
            assertEquals(5, server.answers(), "every call was answered: no dead connection failed one");
        }
    }

    /** Answers one DynamoDB request per connection with an empty item, then closes it without "Connection: close". */
    private static final class ClosingServer implements AutoCloseable {
        private final ServerSocket socket;
        private final AtomicInteger connections = new AtomicInteger();
        private final AtomicInteger answers = new AtomicInteger();

        private ClosingServer(ServerSocket socket) {
            this.socket = socket;
        }

        static ClosingServer start() throws IOException {
            ClosingServer server = new ClosingServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
            Thread acceptor = new Thread(server::serve, "closing-dynamodb");
            acceptor.setDaemon(true);
            acceptor.start();
            return server;
        }

        URI endpoint() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }

        int connections() {
            return connections.get();
        }

        int answers() {
            return answers.get();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket connection = socket.accept()) {
                    connections.incrementAndGet();
                    answerOnce(connection);
                } catch (IOException closedOrBroken) {
                    // The listening socket was closed (the test ended) or the client went away: next one.
                }
            }
        }

        private void answerOnce(Socket connection) throws IOException {
            BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.ISO_8859_1));
            int length = 0;
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            for (int read = 0; read < length && in.read() >= 0; read++) {
                // the request body: read, not needed (ASCII JSON, one char per byte)
            }
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            OutputStream out = connection.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nx-amzn-RequestId: closing-"
                    + answers.incrementAndGet() + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
