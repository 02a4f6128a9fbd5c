package dev.k3sautoscaler.testkit.sns;

import com.sun.net.httpserver.HttpExchange;
import dev.k3sautoscaler.testkit.ec2.QueryRequest;
import dev.k3sautoscaler.testkit.http.LoopbackServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SNS's Query API on 127.0.0.1 for a client that publishes (Alertmanager's SNS receiver, an SDK with
 * an endpoint override): {@code Action=Publish} answered in SNS's XML, every request required to
 * carry a SigV4 {@code Authorization} header for service {@code sns} (its shape is checked, not its
 * signature: the fake holds no secret). An unsigned request gets SNS's 403 {@code
 * MissingAuthenticationToken}, any other action a 400 {@code InvalidAction}. Publishes are kept in
 * arrival order for a test to read.
 */
public final class FakeSnsApi implements AutoCloseable {
    /** {@code AWS4-HMAC-SHA256 Credential=<key>/<yyyyMMdd>/<region>/sns/aws4_request, SignedHeaders=…, Signature=<hex>}. */
    private static final Pattern SIGV4 = Pattern.compile("AWS4-HMAC-SHA256 Credential=(?<key>[^/,\\s]+)/\\d{8}/(?<region>[a-z0-9-]+)"
            + "/sns/aws4_request, ?SignedHeaders=[a-z0-9;-]+, ?Signature=[0-9a-f]{64}");
    private static final String XMLNS = "https://sns.amazonaws.com/doc/2010-03-31/";

    /** One accepted Publish: what was sent, who signed it (access key, region), and when it arrived. */
    public record Publish(String topicArn, String subject, String message, String accessKeyId, String region,
                          Instant receivedAt) {
    }

    private final LoopbackServer server;
    private final List<Publish> published = new CopyOnWriteArrayList<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();

    private FakeSnsApi() {
        this.server = LoopbackServer.start("sns-fake", "/", this::serve);
    }

    public static FakeSnsApi start() {
        return new FakeSnsApi();
    }

    /** {@code http://127.0.0.1:port}: a client's endpoint override (Alertmanager's {@code api_url}). */
    public URI endpoint() {
        return server.endpoint();
    }

    /** Every accepted Publish so far, in arrival order (a live view). */
    public List<Publish> published() {
        return Collections.unmodifiableList(published);
    }

    /** Why each refused request was refused ({@code MissingAuthenticationToken: …}), in arrival order. */
    public List<String> refused() {
        return Collections.unmodifiableList(refused);
    }

    @Override
    public void close() {
        server.close();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            QueryRequest request = QueryRequest.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            Matcher signature = authorization == null ? null : SIGV4.matcher(authorization);
            if (signature == null || !signature.matches()) {
                error(exchange, 403, "Sender", "MissingAuthenticationToken",
                        "Request is missing a SigV4 Authorization header for sns: " + authorization);
                return;
            }
            if (!"Publish".equals(request.action())) {
                error(exchange, 400, "Sender", "InvalidAction", "The action " + request.action() + " is not valid for this endpoint.");
                return;
            }
            if (request.get("TopicArn") == null || request.get("Message") == null) {
                error(exchange, 400, "Sender", "InvalidParameter", "Invalid parameter: TopicArn and Message are required");
                return;
            }
            published.add(new Publish(request.get("TopicArn"), request.get("Subject"), request.get("Message"),
                    signature.group("key"), signature.group("region"), Instant.now()));
            String id = UUID.randomUUID().toString();
            respond(exchange, 200, "<PublishResponse xmlns=\"" + XMLNS + "\"><PublishResult><MessageId>" + id
                    + "</MessageId></PublishResult><ResponseMetadata><RequestId>" + UUID.randomUUID()
                    + "</RequestId></ResponseMetadata></PublishResponse>");
        }
    }

    private void error(HttpExchange exchange, int status, String type, String code, String message) throws IOException {
        refused.add(code + ": " + message);
        respond(exchange, status, "<ErrorResponse xmlns=\"" + XMLNS + "\"><Error><Type>" + type + "</Type><Code>" + code
                + "</Code><Message>" + xml(message) + "</Message></Error><RequestId>" + UUID.randomUUID()
                + "</RequestId></ErrorResponse>");
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
