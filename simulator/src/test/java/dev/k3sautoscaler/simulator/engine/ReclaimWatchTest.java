package dev.k3sautoscaler.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.runtime.StepJson;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReclaimWatchTest {
    private static JsonNode json(String text) throws Exception {
        return StepJson.MAPPER.readTree(text);
    }

    private static final String SPOT_DRAIN_RECORD = """
            {"execution": "spot-interruption-i-0aaa", "outcome": {"action": "SPOT_DRAIN", "result": "SUCCEEDED", "count": 1,
             "instanceIds": ["i-0aaa"], "clearPendingLaunches": ["i-0aaa"]}}""";

    private static String decideWithPending(String... ids) {
        StringBuilder pending = new StringBuilder();
        for (String id : ids) {
            pending.append(pending.isEmpty() ? "" : ",").append("{\"instanceId\": \"").append(id)
                    .append("\", \"launchedAt\": \"2026-01-05T00:42:18Z\"}");
        }
        return "{\"execution\": \"tick-1\", \"state\": {\"pendingLaunches\": [" + pending + "]}}";
    }

    @Test
    void aDecideThatStillWaitsForAnInstanceWhoseSpotDrainWasRecorded_breaksTheInvariant() throws Exception {
        ReclaimWatch watch = new ReclaimWatch();
        watch.completed("record-outcome", json(SPOT_DRAIN_RECORD));

        watch.invoking("decide", json(decideWithPending("i-0bbb", "i-0aaa")), "tick-20260105-004500");

        assertEquals(List.of(new Invariants.Violation(Invariants.Name.NO_RECLAIMED_INSTANCE_IN_FLIGHT,
                "tick-20260105-004500's Decide counted [i-0aaa] in flight after their Spot drain was recorded")), watch.violations());
    }

    @Test
    void beforeTheDrain_otherLaunches_andOtherRecords_areFine() throws Exception {
        ReclaimWatch watch = new ReclaimWatch();
        watch.invoking("decide", json(decideWithPending("i-0aaa")), "tick-1");
        watch.completed("record-outcome", json(SPOT_DRAIN_RECORD.replace("SPOT_DRAIN", "SCALE_DOWN")));
        watch.completed("record-outcome", json(SPOT_DRAIN_RECORD));
        watch.invoking("decide", json(decideWithPending("i-0bbb")), "tick-2");
        watch.invoking("reconcile-workers", json(decideWithPending("i-0aaa")), "tick-3");

        assertEquals(List.of(), watch.violations());
    }
}
