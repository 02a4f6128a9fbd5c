package dev.k3sautoscaler.simulator.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.k3sautoscaler.alerts.AlertSettings;
import dev.k3sautoscaler.alerts.StartTickOnAlertHandler;
import dev.k3sautoscaler.runtime.AwsClients;
import dev.k3sautoscaler.runtime.LocalLambdaContext;
import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.testkit.stepfunctions.FakeStartExecution;
import dev.k3sautoscaler.testkit.stepfunctions.FakeStepFunctionsApi;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The fast path's function as the stack deploys it: SNS hands it the alert's delivery, and the real
 * handler starts the tick with the real SDK client, through Step Functions' API on loopback. The
 * ticks it asked for are handed back for the caller (the run, the end-to-end rig) to execute.
 */
public final class AlertFunction implements AutoCloseable {
    static final String TICK_ARN = "arn:aws:states:" + AutoscalerFunctions.REGION + ":" + AutoscalerFunctions.ACCOUNT
            + ":stateMachine:k3s-autoscaler-tick";
    static final String FUNCTION = "start-tick-on-alert";
    private static final String TOPIC_ARN = "arn:aws:sns:" + AutoscalerFunctions.REGION + ":" + AutoscalerFunctions.ACCOUNT
            + ":k3s-autoscaler-fast-path";

    /** A tick the function started: its name and input, as StartExecution received them. */
    public record StartedTick(String name, JsonNode input) {
    }

    private final Queue<StartedTick> started = new ConcurrentLinkedQueue<>();
    private final FakeStepFunctionsApi api;
    private final SfnClient client;
    private final StartTickOnAlertHandler handler;
    private long deliveries;

    /**
     * @param pendingUp      PENDING_UP_SEC, which the stack sets as the function's TICK_WAIT_SECONDS
     * @param tickNameInUse  whether the run already has an execution of that name
     */
    public AlertFunction(String clusterId, Duration pendingUp, Clock clock, Predicate<String> tickNameInUse) {
        api = FakeStepFunctionsApi.start(new FakeStartExecution(TICK_ARN, clock, new FakeStartExecution.Executions() {
            @Override
            public boolean exists(String name) {
                return tickNameInUse.test(name) || started.stream().anyMatch(tick -> tick.name().equals(name));
            }

            @Override
            public void start(String name, JsonNode input) {
                started.add(new StartedTick(name, input));
            }
        }));
        client = AwsClients.build(SfnClient.builder(), Region.of(AutoscalerFunctions.REGION), AutoscalerFunctions.CREDENTIALS,
                api.endpoint());
        handler = new StartTickOnAlertHandler(new AlertSettings(clusterId, TICK_ARN, Math.toIntExact(pendingUp.toSeconds()),
                api.endpoint()), client);
    }

    /** SNS delivers one alert notice published at {@code sentAt}; returns the ticks the function started. */
    public List<StartedTick> deliver(Instant sentAt) {
        // Reproducible message ids: a run's execution names must not change from one run to the next.
        String messageId = UUID.nameUUIDFromBytes(("alert-" + ++deliveries).getBytes(StandardCharsets.UTF_8)).toString();
        ObjectNode sns = StepJson.MAPPER.createObjectNode().put("Type", "Notification").put("MessageId", messageId)
                .put("TopicArn", TOPIC_ARN).put("Message", "unschedulable pods").put("Timestamp", sentAt.toString());
        ObjectNode record = StepJson.MAPPER.createObjectNode().put("EventSource", "aws:sns").put("EventVersion", "1.0");
        record.set("Sns", sns);
        ObjectNode delivery = StepJson.MAPPER.createObjectNode();
        delivery.putArray("Records").add(record);
        handler.invoke(delivery.toString(), LocalLambdaContext.forFunction(FUNCTION));
        List<StartedTick> ticks = new ArrayList<>();
        for (StartedTick tick; (tick = started.poll()) != null; ) {
            ticks.add(tick);
        }
        return ticks;
    }

    @Override
    public void close() {
        client.close();
        api.close();
    }
}
