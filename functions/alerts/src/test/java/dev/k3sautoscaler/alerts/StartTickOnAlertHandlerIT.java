package dev.k3sautoscaler.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.errors.InvalidStepInput;
import dev.k3sautoscaler.runtime.AwsClients;
import dev.k3sautoscaler.runtime.LocalLambdaContext;
import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.testkit.dynamodb.LocalDynamoDb;
import dev.k3sautoscaler.testkit.stepfunctions.FakeStartExecution;
import dev.k3sautoscaler.testkit.stepfunctions.FakeStepFunctionsApi;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;

/** The fast path's function with the real SDK client against Step Functions' API on loopback. */
class StartTickOnAlertHandlerIT {
    private static final String TICK_ARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:prod-tick";
    /** A delivery as SNS hands it to Lambda (fields the function does not read included). */
    private static final String DELIVERY = """
            {"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0",
              "EventSubscriptionArn": "arn:aws:sns:eu-west-1:123456789012:prod-fast-path:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55",
              "Sns": {"Type": "Notification", "MessageId": "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
                "TopicArn": "arn:aws:sns:eu-west-1:123456789012:prod-fast-path", "Subject": null,
                "Message": "3 unschedulable pods", "Timestamp": "2026-12-05T13:45:01.234Z",
                "SignatureVersion": "1", "Signature": "EXAMPLE", "MessageAttributes": {}}}]}""";

    private final Map<String, JsonNode> started = new LinkedHashMap<>();
    private final FakeStepFunctionsApi api = FakeStepFunctionsApi.start(new FakeStartExecution(TICK_ARN,
            Clock.fixed(Instant.parse("2026-12-05T13:45:02Z"), ZoneOffset.UTC), new FakeStartExecution.Executions() {
                @Override
                public boolean exists(String name) {
                    return started.containsKey(name);
                }

                @Override
                public void start(String name, JsonNode input) {
                    started.put(name, input);
                }
            }));

    @AfterEach
    void close() {
        api.close();
    }

    private StartTickOnAlertHandler handler(int waitSeconds) {
        SfnClient client = AwsClients.build(SfnClient.builder(), Region.EU_WEST_1, LocalDynamoDb.CREDENTIALS, api.endpoint());
        return new StartTickOnAlertHandler(new AlertSettings("prod", TICK_ARN, waitSeconds, api.endpoint()), client);
    }

    private static JsonNode json(String text) throws Exception {
        return StepJson.MAPPER.readTree(text);
    }

    @Test
    void anAlertDelivery_startsTheTickAtOnce_namedForTheAlert_withItsWait() throws Exception {
        JsonNode result = json(handler(30).invoke(DELIVERY, LocalLambdaContext.forFunction("prod-start-tick-on-alert")));

        assertEquals(Map.of("alert-20261205-134501-95df01b4",
                json("{\"trigger\": \"scale\", \"source\": \"unschedulable-pods-alert\", \"waitSeconds\": 30}")), started);
        assertEquals("alert-20261205-134501-95df01b4", result.path("executionName").asText());
        assertEquals("arn:aws:states:eu-west-1:123456789012:execution:prod-tick:alert-20261205-134501-95df01b4",
                result.path("executionArn").asText());
        assertEquals(30, result.path("waitSeconds").asInt());
        assertFalse(result.path("alreadyStarted").asBoolean());
    }

    @Test
    void theSameMessageDeliveredAgain_findsItsTickStarted_andStartsNoOther() throws Exception {
        StartTickOnAlertHandler handler = handler(0);
        handler.invoke(DELIVERY, LocalLambdaContext.forFunction("prod-start-tick-on-alert"));

        JsonNode again = json(handler.invoke(DELIVERY, LocalLambdaContext.forFunction("prod-start-tick-on-alert")));

        assertTrue(again.path("alreadyStarted").asBoolean(), again.toString());
        assertEquals(1, started.size());
        assertEquals("ExecutionAlreadyExists", api.calls().get(1).error());
    }

    @Test
    void stepFunctionsFailing_endsTickNotStarted_soLambdaRetriesAndThenDeadLetters() {
        api.refuseWith(500, "ServiceUnavailable");

        TickNotStarted failure = assertThrows(TickNotStarted.class,
                () -> handler(0).invoke(DELIVERY, LocalLambdaContext.forFunction("prod-start-tick-on-alert")));

        assertTrue(failure.getMessage().startsWith("StartExecution of tick alert-20261205-134501-95df01b4 failed"), failure.getMessage());
        assertTrue(started.isEmpty());
        assertTrue(api.calls().size() > 1, "the SDK's own retries of a 5xx come first: " + api.calls());
    }

    @Test
    void aDeliveryThatIsNotOneSnsMessage_endsInvalidStepInput_andStartsNothing() {
        for (String bad : new String[] {"{}", "{\"Records\": []}",
                DELIVERY.replace("\"aws:sns\"", "\"aws:sqs\"").replace("\"MessageId\": \"95df01b4-ee98-5cb9-9903-4c221d41eb5e\",", ""),
                DELIVERY.replace("2026-12-05T13:45:01.234Z", "yesterday"), "[1, 2]", "not json"}) {
            InvalidStepInput refused = assertThrows(InvalidStepInput.class,
                    () -> handler(0).invoke(bad, LocalLambdaContext.forFunction("prod-start-tick-on-alert")), bad);
            assertTrue(refused.getMessage().contains("StartTickOnAlert"), refused.getMessage());
        }
        InvalidStepInput both = assertThrows(InvalidStepInput.class, () -> handler(0).invoke(
                DELIVERY.replace("\"aws:sns\"", "\"aws:sqs\"").replace("\"MessageId\": \"95df01b4-ee98-5cb9-9903-4c221d41eb5e\",", ""),
                LocalLambdaContext.forFunction("prod-start-tick-on-alert")));
        assertTrue(both.getMessage().contains("EventSource must be aws:sns") && both.getMessage().contains("MessageId is missing"),
                both.getMessage());
        assertTrue(started.isEmpty());
        assertTrue(api.calls().isEmpty());
    }
}
