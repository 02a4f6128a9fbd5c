package dev.k3sautoscaler.testkit.dynamodb;

import com.sun.net.httpserver.HttpServer;
import dev.k3sautoscaler.testkit.http.LoopbackServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DynamoDB endpoint that answers every request with one error, in DynamoDB's JSON wire format,
 * for the paths DynamoDB Local cannot produce: throttling, 5xx, a missing table. The real SDK client
 * parses the answer, so error mapping is tested on what AWS actually sends.
 */
public final class DynamoDbFaultServer implements AutoCloseable {
    /** Throughput exceeded: AWS answers 400 with this type; the SDK treats it as throttling. */
    public static final Fault THROTTLED = new Fault(400, "ProvisionedThroughputExceededException",
            "The level of configured provisioned throughput for the table was exceeded.");
    public static final Fault INTERNAL_ERROR = new Fault(500, "InternalServerError", "Internal server error");
    public static final Fault TABLE_MISSING = new Fault(400, "ResourceNotFoundException",
            "Requested resource not found");

    public record Fault(int status, String type, String message) {
        String body() {
            return "{\"__type\":\"com.amazonaws.dynamodb.v20120810#" + type + "\",\"message\":\"" + message + "\"}";
        }
    }

    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    private DynamoDbFaultServer(HttpServer server) {
        this.server = server;
    }

    public static DynamoDbFaultServer answering(Fault fault) {
        try {
            HttpServer server = LoopbackServer.bind();
            DynamoDbFaultServer faults = new DynamoDbFaultServer(server);
            byte[] body = fault.body().getBytes(StandardCharsets.UTF_8);
            server.createContext("/", exchange -> {
                faults.requests.incrementAndGet();
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
                exchange.getResponseHeaders().add("x-amzn-RequestId", "fault-" + faults.requests.get());
                exchange.sendResponseHeaders(fault.status(), body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return faults;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the DynamoDB fault server", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Requests received, including the SDK's own retries. */
    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
