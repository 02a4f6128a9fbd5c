package dev.k3sautoscaler.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.errors.InvalidStepInput;
import dev.k3sautoscaler.runtime.LocalLambdaContext;
import dev.k3sautoscaler.runtime.StepJson;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JSON contract of each step, through the same entry point Lambda uses, with the shared event fixtures. */
class HandlersIT {
    @RegisterExtension
    final MockCluster cluster = new MockCluster();

    @BeforeEach
    void seed() {
        cluster.master("master", "i-0master0");
        cluster.worker("ip-10-0-1-5", "i-0aaa1111", true);
        cluster.worker("ip-10-0-1-6", "i-0bbb2222", false);
        cluster.pod("kube-system", "svclb-1", "ip-10-0-1-5", "DaemonSet");
    }

    private static JsonNode json(String text) throws Exception {
        return StepJson.MAPPER.readTree(text);
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static LocalLambdaContext context(String function) {
        return LocalLambdaContext.forFunction(function);
    }

    @Test
    void checkWorkersJoined_contract() throws Exception {
        // GIVEN the launched-instances event / WHEN the handler runs
        JsonNode out = json(new CheckWorkersJoinedHandler(cluster.steps()).invoke(Events.read("check-workers-joined.json"),
                context("check-workers-joined")));

        // THEN the output has the documented fields
        assertEquals(List.of("instances", "ready", "notReady", "missing", "overdue", "allReady", "reason"), fields(out));
        assertEquals(List.of("instanceId", "status", "nodeName", "detail", "readiness"), fields(out.get("instances").get(0)));
        assertEquals("READY", out.get("instances").get(0).get("status").asText());
        assertEquals("NOT_READY", out.get("instances").get(1).get("status").asText());
        assertFalse(out.get("allReady").asBoolean());
    }

    @Test
    void selectScaleDownTarget_contract() throws Exception {
        // GIVEN the scale-down event / WHEN the handler runs
        JsonNode out = json(new SelectScaleDownTargetHandler(cluster.steps()).invoke(
                Events.read("select-scale-down-target.json"), context("select-scale-down-target")));

        // THEN the fields are there and the chosen node names its instance
        assertEquals(List.of("found", "chosen", "nodes", "rejected", "unremovable", "reason"), fields(out));
        assertEquals(List.of("name", "instanceId", "evictablePods", "purpose"), fields(out.get("chosen")));
        assertEquals(List.of("node", "rejectedBecause", "code"), fields(out.get("rejected").get(0)));
        assertEquals("i-0aaa1111", out.get("chosen").get("instanceId").asText());
    }

    @Test
    void cordonDrainUncordonDelete_contracts() throws Exception {
        // GIVEN the scale-down events for ip-10-0-1-5 / WHEN each step runs in workflow order
        JsonNode cordon = json(new CordonNodeHandler(cluster.steps()).invoke(Events.read("cordon-node.json"),
                context("cordon-node")));
        JsonNode drain = json(new DrainNodeHandler(cluster.steps()).invoke(Events.read("drain-node.json"),
                context("drain-node")));
        JsonNode uncordon = json(new UncordonNodeHandler(cluster.steps()).invoke(Events.read("uncordon-node.json"),
                context("uncordon-node")));
        JsonNode delete = json(new DeleteNodeHandler(cluster.steps()).invoke(Events.read("delete-node.json"),
                context("delete-node")));

        // THEN each output has its documented fields
        assertEquals(List.of("nodeName", "instanceId", "alreadyCordoned", "reason", "claimedAt", "outcome"), fields(cordon));
        assertEquals(List.of("nodeName", "instanceId", "evicted", "gone", "blockedByPdb", "blockedByRule",
                "terminating", "failed", "skipped", "remaining", "empty", "deadlinePassed", "preempted", "neededAgain",
                "reason", "outcome"), fields(drain));
        assertTrue(drain.get("empty").asBoolean());
        assertEquals(List.of("nodeName", "found", "changed", "reason", "outcome"), fields(uncordon));
        assertEquals(List.of("nodeName", "deleted", "alreadyGone", "reason", "outcome"), fields(delete));
        assertEquals("DELETED", delete.get("outcome").asText());
        assertTrue(delete.get("deleted").asBoolean());
    }

    @Test
    void drainNode_acceptsTheSpotInterruptionEvent() throws Exception {
        // GIVEN the Spot path's event (instance id only) / WHEN the handler runs
        JsonNode out = json(new DrainNodeHandler(cluster.steps()).invoke(
                Events.read("drain-node-spot-interruption.json"), context("drain-node")));

        // THEN the node was resolved from the instance id
        assertEquals("ip-10-0-1-5", out.get("nodeName").asText());
    }

    @Test
    void badInput_isInvalidStepInput_listingEveryProblem() {
        // GIVEN inputs without a node, with a malformed instance id, and with no instances
        DrainNodeHandler drain = new DrainNodeHandler(cluster.steps());
        CheckWorkersJoinedHandler join = new CheckWorkersJoinedHandler(cluster.steps());

        // WHEN / THEN
        assertEquals("DrainNode input is invalid: nodeName or instanceId is required", assertThrows(
                InvalidStepInput.class, () -> drain.invoke("{\"execution\":\"e\"}", context("drain-node"))).getMessage());
        assertEquals("DrainNode input is invalid: execution is required; instanceId must look like i-0123456789abcdef0",
                assertThrows(InvalidStepInput.class, () -> drain.invoke("{\"instanceId\":\"ip-10\"}",
                        context("drain-node"))).getMessage());
        assertEquals("CheckWorkersJoined input is invalid: instanceIds must not be empty", assertThrows(
                InvalidStepInput.class, () -> join.invoke("{\"execution\":\"e\",\"instanceIds\":[]}",
                        context("check-workers-joined"))).getMessage());
    }
}
