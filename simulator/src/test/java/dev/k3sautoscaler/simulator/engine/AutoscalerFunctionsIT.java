package dev.k3sautoscaler.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.simulator.cluster.SimulatedCluster;
import dev.k3sautoscaler.simulator.fixtures.TestScenarios;
import dev.k3sautoscaler.simulator.scenario.Scenario;
import dev.k3sautoscaler.simulator.virtual.VirtualEc2;
import dev.k3sautoscaler.state.StateTableSchema;
import dev.k3sautoscaler.state.StateTables;
import dev.k3sautoscaler.testkit.dynamodb.LocalDynamoDb;
import dev.k3sautoscaler.workflow.VirtualClock;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The functions as the simulator builds them, against the virtual EC2 and DynamoDB Local. */
class AutoscalerFunctionsIT {
    /** Nothing listens there: the fleet steps reach neither K3s nor Prometheus. */
    private static final URI UNUSED = URI.create("http://127.0.0.1:9");

    @Test
    void anOfferingOutOfCapacity_receivesOneRunInstances_asFromTheLambda() {
        // GIVEN a two-zone cluster whose every offering answers InsufficientInstanceCapacity
        Scenario scenario = TestScenarios.of("workers: 2", """
                  - name: web
                    replicas: [{at: 0s, count: 1}]
                    requests: {cpuMillis: 100, memoryMiB: 100}
                """);
        SimulatedCluster cluster = new SimulatedCluster(scenario);
        VirtualClock clock = new VirtualClock(Simulation.START);
        try (VirtualEc2 ec2 = new VirtualEc2(cluster, "it", clock);
             AutoscalerFunctions functions = new AutoscalerFunctions(environment(scenario, ec2), clock,
                     new AutoscalerFunctions.Endpoints(ec2.endpoint(), UNUSED, "unused", UNUSED, LocalDynamoDb.shared().endpoint()))) {
            cluster.injectCapacityShortage(Duration.ofHours(1));
            ec2.syncFromCluster();
            JsonNode lease = functions.invoke("acquire-lock", json("{\"execution\":\"scale-up-it\"}")).path("lease");

            // WHEN LaunchWorkers asks for one worker
            JsonNode launch = StepJson.MAPPER.createObjectNode().put("execution", "scale-up-it").put("count", 1)
                    .put("reason", "one pod unschedulable").set("lease", lease);
            JsonNode launched = functions.invoke("launch-workers", launch);

            // THEN none started, and each offering got exactly one RunInstances: the fleet's client does not retry a capacity error
            assertEquals("NONE", launched.path("outcome").asText(), launched.toString());
            assertEquals(2, launched.path("failedOfferings").size(), launched.toString());
            Map<String, Long> perOffering = ec2.requests("RunInstances").stream().collect(Collectors.groupingBy(
                    request -> request.params().get("InstanceType") + " in " + request.params().get("SubnetId"),
                    LinkedHashMap::new, Collectors.counting()));
            assertEquals(2, perOffering.size(), perOffering.toString());
            assertEquals(Map.of(1L, 2L), perOffering.values().stream()
                    .collect(Collectors.groupingBy(count -> count, Collectors.counting())), perOffering.toString());
        }
    }

    /** What the CDK stack sets on the fleet and state steps, for this virtual cloud; fresh tables. */
    private static Map<String, String> environment(Scenario scenario, VirtualEc2 ec2) {
        Map<String, String> env = Simulation.fleetAndStateEnvironment(scenario, "it",
                "functions-it-" + UUID.randomUUID().toString().substring(0, 8), ec2);
        StateTables.createIfMissing(LocalDynamoDb.shared().client(), env.get(StateTableSchema.Env.STATE_TABLE),
                env.get(StateTableSchema.Env.EVENT_LOG_TABLE), env.get(StateTableSchema.Env.IDEMPOTENCY_TABLE));
        return env;
    }

    private static JsonNode json(String text) {
        try {
            return StepJson.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
