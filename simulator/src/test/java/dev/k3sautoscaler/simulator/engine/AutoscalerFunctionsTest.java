package dev.k3sautoscaler.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.contract.Step;
import dev.k3sautoscaler.errors.LockLost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AutoscalerFunctionsTest {

    @Test
    void everyPlaceholderOfTheDeployedDefinitions_isFilled_byTheNamingRule() throws IOException {
        // GIVEN the state machines as deployed
        Map<String, String> definitions = Map.of(
                "tick", Files.readString(Path.of("..", "workflow", "asl", "tick.asl.json")),
                "actuation", Files.readString(Path.of("..", "workflow", "asl", "actuation.asl.json")));

        // WHEN
        Map<String, String> values = AutoscalerFunctions.substitutions(Map.of("RebalanceAction", "drain"), definitions);

        // THEN every Lambda ARN names a function the simulator has, by the CDK stack's naming
        assertEquals(AutoscalerFunctions.FUNCTION_PREFIX + "collect-metrics", values.get("CollectMetricsArn"));
        assertEquals(AutoscalerFunctions.FUNCTION_PREFIX + "select-scale-down-target", values.get("SelectScaleDownTargetArn"));
        assertEquals(AutoscalerFunctions.FUNCTION_PREFIX + "identify-event-instance", values.get("IdentifyEventInstanceArn"));
        assertEquals(AutoscalerFunctions.ACTUATION_ARN, values.get("ActuationStateMachineArn"));
        assertEquals("drain", values.get("RebalanceAction"));
        assertTrue(values.values().stream().noneMatch(value -> value.contains("${")), values.toString());
    }

    @Test
    void anUnknownPlaceholder_failsAtLoad_namingIt() {
        // GIVEN a definition with a placeholder the simulator cannot derive
        Map<String, String> definitions = Map.of("x.asl.json", "{\"Comment\": \"${RetentionDays}\"}");

        // WHEN / THEN
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AutoscalerFunctions.substitutions(Map.of(), definitions));
        assertTrue(e.getMessage().contains("${RetentionDays}") && e.getMessage().contains("x.asl.json"), e.getMessage());
    }

    @Test
    void topicsAndFunctions_areNamedAfterThePlaceholder() {
        // GIVEN / WHEN
        Map<String, String> values = AutoscalerFunctions.substitutions(Map.of(),
                Map.of("n.asl.json", "${NotificationTopicArn} ${CheckWorkersJoinedArn}"));

        // THEN
        assertEquals("arn:aws:sns:us-east-1:123456789012:k3s-autoscaler-notification", values.get("NotificationTopicArn"));
        assertEquals(AutoscalerFunctions.FUNCTION_PREFIX + "check-workers-joined", values.get("CheckWorkersJoinedArn"));
    }

    @Test
    void aStepErrorTheCatalogueDoesNotDeclare_breaksAnInvariant() {
        // GIVEN LockLost: declared for a leased cordon, never for Decide (which takes no lease)
        LockLost lost = new LockLost("lease token 3 is no longer current");

        // WHEN / THEN
        assertEquals(Optional.empty(), AutoscalerFunctions.undeclared(Step.CORDON_NODE, lost));
        Invariants.Violation violation = AutoscalerFunctions.undeclared(Step.DECIDE, lost).orElseThrow();
        assertEquals(Invariants.Name.EVERY_STEP_ERROR_DECLARED, violation.invariant());
        assertTrue(violation.detail().startsWith("decide ended with dev.k3sautoscaler.errors.LockLost"), violation.detail());
    }
}
