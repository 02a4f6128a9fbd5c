package dev.k3sautoscaler.core.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ExecutionInputRulesTest {
    private static final int MAX_WORKERS = 10;

    private static Map<String, Object> input(Object... keyValues) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    static Stream<Arguments> validInputs() {
        return Stream.of(
                Arguments.of(input("trigger", "scale", "requestedBy", "tick-1", "expected", "scale-up +1"),
                        "scale cycle requested by tick-1"),
                Arguments.of(input("trigger", "spot-interruption", "instanceId", "i-0123456789abcdef0"),
                        "Spot interruption warning for i-0123456789abcdef0"),
                Arguments.of(input("trigger", "rebalance", "instanceId", "i-0123abcd"),
                        "rebalance recommendation for i-0123abcd"),
                Arguments.of(input("trigger", "force-scale-up", "count", 3, "requestedBy", "alice", "reason", "INC-123 load test"),
                        "force-scale-up +3 requested by alice: INC-123 load test"),
                Arguments.of(input("trigger", "force-scale-up", "count", MAX_WORKERS, "requestedBy", "alice"),
                        "force-scale-up +10 requested by alice"),
                Arguments.of(input("trigger", "force-scale-down", "nodeName", "ip-10-0-1-23.eu-west-1.compute.internal", "requestedBy", "bob"),
                        "force-scale-down of ip-10-0-1-23.eu-west-1.compute.internal requested by bob"),
                Arguments.of(input("trigger", "pause", "requestedBy", "alice", "reason", "INC-123"),
                        "pause requested by alice: INC-123"),
                Arguments.of(input("trigger", "resume", "requestedBy", " alice "), "resume requested by alice"),
                Arguments.of(input("trigger", "break-lock", "requestedBy", "alice", "reason", "actuation crashed at 12:03"),
                        "break-lock requested by alice: actuation crashed at 12:03"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("validInputs")
    void validate_acceptsDocumentedInputs_withOneLineSummary(Map<String, Object> input, String summary) {
        // GIVEN a documented input WHEN validated
        ValidateInputOutput verdict = ExecutionInputRules.validate(input, MAX_WORKERS);

        // THEN it is accepted and summarized in one line
        assertTrue(verdict.valid(), verdict.reason());
        assertEquals(List.of(), verdict.problems());
        assertEquals(summary, verdict.request().summary());
        assertEquals(summary, verdict.reason());
    }

    static Stream<Arguments> invalidInputs() {
        return Stream.of(
                Arguments.of("not an object", List.of("a JSON array"),
                        List.of("the input must be a JSON object with a \"trigger\" field (one of scale, spot-interruption, "
                                + "rebalance, force-scale-up, force-scale-down, pause, resume, break-lock)")),
                Arguments.of("no trigger", input("requestedBy", "alice"),
                        List.of("trigger is required (one of scale, spot-interruption, rebalance, force-scale-up, "
                                + "force-scale-down, pause, resume, break-lock)")),
                Arguments.of("unknown trigger", input("trigger", "scale-everything"),
                        List.of("trigger \"scale-everything\" is not one of scale, spot-interruption, rebalance, "
                                + "force-scale-up, force-scale-down, pause, resume, break-lock")),
                Arguments.of("spot without instanceId", input("trigger", "spot-interruption"),
                        List.of("instanceId is required (the EC2 event's detail.instance-id)")),
                Arguments.of("rebalance with a bad instanceId", input("trigger", "rebalance", "instanceId", "web-1"),
                        List.of("instanceId \"web-1\" is not an EC2 instance id (i- and 8 to 17 hex digits)")),
                Arguments.of("force-scale-up without requestedBy or count", input("trigger", "force-scale-up"),
                        List.of("requestedBy is required", "count is required (workers to add, 1..10)")),
                Arguments.of("force-scale-up with a typo and a string count",
                        input("trigger", "force-scale-up", "cout", 3, "count", "3", "requestedBy", "alice"),
                        List.of("unknown field \"cout\" for trigger force-scale-up (accepted: count, reason, requestedBy)",
                                "count must be a whole number, got \"3\"")),
                Arguments.of("force-scale-up of zero", input("trigger", "force-scale-up", "count", 0, "requestedBy", "alice"),
                        List.of("count 0 is outside 1..10 (MAX_WORKERS=10)")),
                Arguments.of("force-scale-up beyond MAX_WORKERS", input("trigger", "force-scale-up", "count", 11, "requestedBy", "alice"),
                        List.of("count 11 is outside 1..10 (MAX_WORKERS=10)")),
                Arguments.of("force-scale-up of a fraction", input("trigger", "force-scale-up", "count", 2.5, "requestedBy", "alice"),
                        List.of("count must be a whole number, got 2.5")),
                Arguments.of("force-scale-down without nodeName", input("trigger", "force-scale-down", "requestedBy", "bob"),
                        List.of("nodeName is required (the Node to remove, as in kubectl get nodes)")),
                Arguments.of("force-scale-down of a bad name", input("trigger", "force-scale-down", "nodeName", "Node_1", "requestedBy", "bob"),
                        List.of("nodeName \"Node_1\" is not a Kubernetes node name")),
                Arguments.of("pause without a reason", input("trigger", "pause", "requestedBy", "alice"),
                        List.of("reason is required")),
                Arguments.of("pause with a blank requestedBy", input("trigger", "pause", "requestedBy", "  ", "reason", "INC-1"),
                        List.of("requestedBy must not be blank")),
                Arguments.of("break-lock with a numeric requestedBy", input("trigger", "break-lock", "requestedBy", 42, "reason", "stuck"),
                        List.of("requestedBy must be a string, got 42")),
                Arguments.of("resume with a two-line reason", input("trigger", "resume", "requestedBy", "alice", "reason", "a\nb"),
                        List.of("reason must be one line (no control characters)")),
                Arguments.of("pause with an overlong reason", input("trigger", "pause", "requestedBy", "alice", "reason", "x".repeat(257)),
                        List.of("reason is 257 characters; at most 256")),
                Arguments.of("scale with an operator's field", input("trigger", "scale", "count", 3),
                        List.of("unknown field \"count\" for trigger scale (accepted: AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID, expected, requestedBy)")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidInputs")
    void validate_rejectsWithEveryProblem(String description, Object input, List<String> problems) {
        // GIVEN a malformed input WHEN validated
        ValidateInputOutput verdict = ExecutionInputRules.validate(input, MAX_WORKERS);

        // THEN it is rejected with every problem, and the Fail state's cause lists them all
        assertFalse(verdict.valid());
        assertNull(verdict.request());
        assertEquals(problems, verdict.problems());
        assertEquals("invalid execution input: " + String.join("; ", problems), verdict.reason());
    }

    @Test
    void validate_acceptsNullInputAsProblem_notException() {
        // GIVEN no input at all WHEN validated THEN a problem, not a crash
        assertFalse(ExecutionInputRules.validate(null, MAX_WORKERS).valid());
    }

    @Test
    void triggers_manualOnesRequireRequestedBy_andTheRestDoNot() {
        // GIVEN the trigger catalogue THEN exactly the operator's controls are manual
        assertEquals(List.of("force-scale-up", "force-scale-down", "pause", "resume", "break-lock"),
                Stream.of(Trigger.values()).filter(Trigger::manual).map(Trigger::value).toList());
    }
}
