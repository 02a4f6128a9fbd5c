package dev.k3sautoscaler.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.runtime.LocalLambdaContext;
import dev.k3sautoscaler.runtime.StepJson;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValidateInputHandlerTest {
    private static final ValidateInputHandler HANDLER = new ValidateInputHandler(Map.of("CLUSTER_ID", "k3s-main", "MAX_WORKERS", "8"));

    private static JsonNode call(String json) throws Exception {
        return StepJson.MAPPER.readTree(HANDLER.invoke(json, LocalLambdaContext.forFunction("validate-input")));
    }

    @Test
    void validInput_carriesTheRequestForTheLaterStates() throws Exception {
        // GIVEN the ASL's call with the execution input WHEN validated
        JsonNode output = call("""
                {"execution": "force-up-3-20261123-1200",
                 "input": {"trigger": "force-scale-up", "count": 3, "requestedBy": "alice", "reason": "LT-42"}}""");

        // THEN the verdict, and the request the later states read at $.validation.request
        assertTrue(output.get("valid").asBoolean());
        assertEquals("force-scale-up", output.at("/request/trigger").asText());
        assertEquals(3, output.at("/request/count").asInt());
        assertEquals("alice", output.at("/request/requestedBy").asText());
        assertEquals("LT-42", output.at("/request/reason").asText());
        assertEquals("force-scale-up +3 requested by alice: LT-42", output.at("/request/summary").asText());
        assertEquals(output.at("/request/summary"), output.get("reason"));
        assertEquals(0, output.get("problems").size());
    }

    @Test
    void invalidInput_isAnAnswer_notAnError_withEveryProblemInTheReason() throws Exception {
        // GIVEN a count above this deployment's MAX_WORKERS and no requestedBy WHEN validated
        JsonNode output = call("""
                {"execution": "x", "input": {"trigger": "force-scale-up", "count": 9}}""");

        // THEN the workflow's Fail state gets the full list as its Cause
        assertFalse(output.get("valid").asBoolean());
        assertEquals("invalid execution input: requestedBy is required; count 9 is outside 1..8 (MAX_WORKERS=8)",
                output.get("reason").asText());
        assertFalse(output.has("request"));
    }

    @Test
    void nonObjectInput_isReported() throws Exception {
        // GIVEN an execution started with a JSON array WHEN validated THEN a problem, not a crash
        JsonNode output = call("{\"execution\": \"x\", \"input\": [1, 2]}");

        assertFalse(output.get("valid").asBoolean());
        assertTrue(output.get("reason").asText().startsWith("invalid execution input: the input must be a JSON object"));
    }

    @Test
    void forcedRequest_isDecidedByTheOperatorsNumbers_notThePolicy() throws Exception {
        // GIVEN a calm 2-worker cluster and a validated force-scale-up request, as Decide gets them under the lock
        DecideHandler decide = new DecideHandler(Map.of("CLUSTER_ID", "k3s-main"),
                java.time.Clock.fixed(java.time.Instant.parse("2026-11-23T12:00:00Z"), java.time.ZoneOffset.UTC));
        JsonNode request = call("""
                {"execution": "x", "input": {"trigger": "force-scale-up", "count": 2, "requestedBy": "alice"}}""").get("request");
        String input = """
                {"execution": "force-up", "request": %s,
                 "metrics": {"available": true, "observedAt": "2026-11-23T11:59:50Z", "cpuPercent": 10.0,
                   "cpuSustainedHighPercent": 10.0, "cpuSustainedLowPercent": 10.0, "memoryPercent": 10.0,
                   "memorySustainedHighPercent": 10.0, "memorySustainedLowPercent": 10.0, "unschedulablePods": 0, "unschedulablePodsMaxOverIdleWindow": 0,
                   "requestedCpuMillisOnWorkers": 400, "requestedMemoryBytesOnWorkers": 400000000,
                   "workers": [{"name": "w1", "instanceId": "i-1", "ready": true, "schedulable": true,
                                "requestedCpuMillis": 200, "requestedMemoryBytes": 200000000},
                               {"name": "w2", "instanceId": "i-2", "ready": true, "schedulable": true,
                                "requestedCpuMillis": 200, "requestedMemoryBytes": 200000000}]},
                 "state": {"consecutiveFailures": 0, "paused": true, "pausedReason": "INC-1"}}""".formatted(request);

        // WHEN Decide runs
        JsonNode decision = StepJson.MAPPER.readTree(decide.invoke(input, LocalLambdaContext.forFunction("decide")));

        // THEN +2, even though paused, with the MANUAL trigger
        assertEquals("SCALE_UP", decision.get("action").asText());
        assertEquals(2, decision.get("count").asInt());
        assertEquals("MANUAL", decision.get("trigger").asText());
        assertEquals("MANUAL_SCALE_UP", decision.get("reasonCode").asText());
    }

    @Test
    void primingInput_isValid_soSnapStartWarmsTheWholePath() throws Exception {
        // GIVEN the input SnapStart primes with WHEN validated THEN accepted: ValidateInput is pure, so no rejection shortcut
        assertTrue(call(HANDLER.primingInput()).get("valid").asBoolean());
    }
}
