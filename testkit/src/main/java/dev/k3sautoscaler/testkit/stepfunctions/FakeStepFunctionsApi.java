package dev.k3sautoscaler.testkit.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.testkit.http.LoopbackServer;
import dev.k3sautoscaler.workflow.TaskFailure;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * Step Functions' JSON API on 127.0.0.1 for an SDK client with an endpoint override: {@code
 * AWSStepFunctions.StartExecution} of one state machine, answered as the service does, through
 * {@link FakeStartExecution} (name rules, a used name). Every request must carry a SigV4 {@code
 * Authorization} header for service {@code states} (its shape is checked, not its signature).
 * Errors are JSON {@code {"__type": code, "message": …}}; {@link #refuseWith} makes every call
 * fail with a service error until cleared.
 */
public final class FakeStepFunctionsApi implements AutoCloseable {
    private static final Pattern SIGV4 = Pattern.compile("AWS4-HMAC-SHA256 Credential=[^/,\\s]+/\\d{8}/[a-z0-9-]+"
            + "/states/aws4_request, ?SignedHeaders=[a-z0-9;-]+, ?Signature=[0-9a-f]{64}");
    private static final String START_EXECUTION = "AWSStepFunctions.StartExecution";

    /** One StartExecution the fake accepted or refused, with its answer's error code (null when started). */
    public record Call(String stateMachineArn, String name, JsonNode input, String error) {
    }

    private final LoopbackServer server;
    private final String stateMachineArn;
    private final FakeStartExecution starts;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile Refusal refusal;

    private record Refusal(int status, String code) {
    }

    private FakeStepFunctionsApi(FakeStartExecution starts) {
        this.starts = starts;
        this.stateMachineArn = starts.stateMachineArn();
        this.server = LoopbackServer.start("step-functions-fake", "/", this::serve);
    }

    /** The API of the one state machine {@code starts} names; its executions start through it. */
    public static FakeStepFunctionsApi start(FakeStartExecution starts) {
        return new FakeStepFunctionsApi(starts);
    }

    /** {@code http://127.0.0.1:port}: the client's endpoint override. */
    public URI endpoint() {
        return server.endpoint();
    }

    /** Every StartExecution so far, in arrival order (a live view). */
    public List<Call> calls() {
        return Collections.unmodifiableList(calls);
    }

    /** Fails every call with this HTTP status and error code (e.g. 500 ServiceUnavailable) until {@link #accept()}. */
    public void refuseWith(int status, String code) {
        refusal = new Refusal(status, code);
    }

    public void accept() {
        refusal = null;
    }

    @Override
    public void close() {
        server.close();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || !SIGV4.matcher(authorization).matches()) {
                error(exchange, 400, "MissingAuthenticationToken", "Request is missing a SigV4 Authorization header for states");
                return;
            }
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (!START_EXECUTION.equals(target)) {
                error(exchange, 400, "UnknownOperationException", "The fake serves " + START_EXECUTION + ", not " + target);
                return;
            }
            JsonNode body = StepJson.MAPPER.readTree(exchange.getRequestBody().readAllBytes());
            String arn = body.path("stateMachineArn").asText();
            String name = body.path("name").asText();
            JsonNode input;
            try {
                input = body.has("input") ? StepJson.MAPPER.readTree(body.path("input").asText()) : StepJson.MAPPER.createObjectNode();
            } catch (IOException e) {
                error(exchange, 400, "InvalidExecutionInput", "Invalid State Machine Execution Input: " + e.getMessage());
                return;
            }
            Refusal refused = refusal;
            if (refused != null) {
                calls.add(new Call(arn, name, input, refused.code()));
                error(exchange, refused.status(), refused.code(), "refused by the test");
                return;
            }
            if (!stateMachineArn.equals(arn)) {
                calls.add(new Call(arn, name, input, "StateMachineDoesNotExist"));
                error(exchange, 400, "StateMachineDoesNotExist", "State Machine Does Not Exist: '" + arn + "'");
                return;
            }
            ObjectNode request = StepJson.MAPPER.createObjectNode().put("Name", name).set("Input", input);
            try {
                JsonNode started = starts.start(request);
                calls.add(new Call(arn, name, input, null));
                respond(exchange, 200, StepJson.MAPPER.createObjectNode()
                        .put("executionArn", started.path("ExecutionArn").asText())
                        .put("startDate", java.time.Instant.parse(started.path("StartDate").asText()).toEpochMilli() / 1000.0));
            } catch (TaskFailure failure) {
                // The optimized integration's "StepFunctions.<Code>Exception" is the API's "<Code>".
                String code = failure.error().replaceFirst("^StepFunctions\\.", "").replaceFirst("Exception$", "");
                calls.add(new Call(arn, name, input, code));
                error(exchange, 400, code, failure.cause());
            }
        }
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        respond(exchange, status, StepJson.MAPPER.createObjectNode().put("__type", code).put("message", message));
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = StepJson.MAPPER.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
