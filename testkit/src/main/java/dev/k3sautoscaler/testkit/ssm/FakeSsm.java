package dev.k3sautoscaler.testkit.ssm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.k3sautoscaler.testkit.http.LoopbackServer;
import dev.k3sautoscaler.runtime.StepJson;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small SSM Parameter Store on 127.0.0.1 speaking the service's JSON 1.1 protocol, so the real
 * {@code SsmClient} (with an endpoint override) and Powertools Parameters run unmodified in tests
 * and the simulator. Serves GetParameter and GetParameters, honours WithDecryption for
 * SecureString (without it the value comes back as opaque ciphertext, as in AWS), and answers
 * ParameterNotFound for unknown names. Requests are recorded so tests can check caching.
 */
public final class FakeSsm implements AutoCloseable {
    private static final String TARGET_PREFIX = "AmazonSSM.";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";

    private final LoopbackServer server;
    private final Map<String, Parameter> parameters = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    /** One received call: the operation and the names it asked for. */
    public record Call(String operation, List<String> names, boolean withDecryption) {
    }

    private record Parameter(String name, String type, String value, long version) {
    }

    private FakeSsm() {
        this.server = LoopbackServer.start("ssm-fake", "/", this::handle);
    }

    public static FakeSsm start() {
        return new FakeSsm();
    }

    public URI endpoint() {
        return server.endpoint();
    }

    public FakeSsm putString(String name, String value) {
        return put(name, "String", value);
    }

    public FakeSsm putSecureString(String name, String value) {
        return put(name, "SecureString", value);
    }

    private FakeSsm put(String name, String type, String value) {
        parameters.merge(name, new Parameter(name, type, value, 1),
                (old, next) -> new Parameter(name, type, value, old.version() + 1));
        return this;
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    @Override
    public void close() {
        server.close();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            JsonNode body = StepJson.MAPPER.readTree(exchange.getRequestBody().readAllBytes());
            String operation = target == null ? "" : target.replace(TARGET_PREFIX, "");
            boolean decrypt = body != null && body.path("WithDecryption").asBoolean(false);
            switch (operation) {
                case "GetParameter" -> {
                    String name = body.path("Name").asText();
                    calls.add(new Call(operation, List.of(name), decrypt));
                    Parameter parameter = parameters.get(name);
                    if (parameter == null) {
                        error(exchange, "ParameterNotFound", "Parameter " + name + " not found.");
                        return;
                    }
                    ObjectNode response = StepJson.MAPPER.createObjectNode();
                    response.set("Parameter", render(parameter, decrypt));
                    ok(exchange, response);
                }
                case "GetParameters" -> {
                    List<String> names = new ArrayList<>();
                    body.path("Names").forEach(n -> names.add(n.asText()));
                    calls.add(new Call(operation, names, decrypt));
                    ObjectNode response = StepJson.MAPPER.createObjectNode();
                    ArrayNode found = response.putArray("Parameters");
                    ArrayNode invalid = response.putArray("InvalidParameters");
                    for (String name : names) {
                        Parameter parameter = parameters.get(name);
                        if (parameter == null) {
                            invalid.add(name);
                        } else {
                            found.add(render(parameter, decrypt));
                        }
                    }
                    ok(exchange, response);
                }
                default -> error(exchange, "InvalidAction", "the SSM fake does not serve '" + operation + "'");
            }
        }
    }

    private static ObjectNode render(Parameter parameter, boolean decrypt) {
        ObjectNode node = StepJson.MAPPER.createObjectNode();
        node.put("Name", parameter.name());
        node.put("Type", parameter.type());
        boolean hidden = "SecureString".equals(parameter.type()) && !decrypt;
        node.put("Value", hidden ? ciphertext(parameter.value()) : parameter.value());
        node.put("Version", parameter.version());
        node.put("DataType", "text");
        node.put("ARN", "arn:aws:ssm:us-east-1:000000000000:parameter" + (parameter.name().startsWith("/") ? "" : "/")
                + parameter.name());
        return node;
    }

    /** Stands in for KMS ciphertext: never the plain value, so a missing WithDecryption shows up in tests. */
    private static String ciphertext(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (bytes[i] ^ 0x5A);
        }
        return "AQICAH" + Base64.getEncoder().encodeToString(bytes);
    }

    private static void ok(HttpExchange exchange, JsonNode body) throws IOException {
        send(exchange, 200, StepJson.MAPPER.writeValueAsBytes(body));
    }

    private static void error(HttpExchange exchange, String type, String message) throws IOException {
        ObjectNode body = StepJson.MAPPER.createObjectNode();
        body.put("__type", type);
        body.put("message", message);
        send(exchange, 400, StepJson.MAPPER.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }
}
