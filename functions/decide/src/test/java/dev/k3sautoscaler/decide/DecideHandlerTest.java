package dev.k3sautoscaler.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.core.config.InvalidConfigurationException;
import dev.k3sautoscaler.errors.InvalidStepInput;
import dev.k3sautoscaler.runtime.LocalLambdaContext;
import dev.k3sautoscaler.runtime.StepJson;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecideHandlerTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T12:34:56Z"), ZoneOffset.UTC);
    private static final Map<String, String> ENV = Map.of("CLUSTER_ID", "k3s-main");

    /** Step input as the ASL passes it: CollectMetrics' output (with its reason) and LoadState's state. */
    private static final String INPUT = """
            {"execution": "tick-1",
             "metrics": {"available": true, "observedAt": "2026-11-23T12:34:50Z", "reason": "4 workers ...",
               "cpuPercent": 55.0, "cpuSustainedHighPercent": 50.0, "cpuSustainedLowPercent": 60.0,
               "memoryPercent": 40.0, "memorySustainedHighPercent": 40.0, "memorySustainedLowPercent": 45.0,
               "unschedulablePods": 7, "unschedulablePodsMaxOverIdleWindow": 7,
               "unschedulablePodRequests": [%s],
               "requestedCpuMillisOnWorkers": 5000, "requestedMemoryBytesOnWorkers": 4000000000,
               "workers": [{"name": "w1", "instanceId": "i-1", "ready": true, "schedulable": true,
                            "requestedCpuMillis": 2500, "requestedMemoryBytes": 2000000000},
                           {"name": "w2", "instanceId": "i-2", "ready": true, "schedulable": true,
                            "requestedCpuMillis": 2500, "requestedMemoryBytes": 2000000000}]},
             "state": {"consecutiveFailures": 0, "pendingLaunches": [], "unavailableOfferings": [], "paused": false}}
            """.formatted(String.join(",", java.util.Collections.nCopies(7,
            "{\"namespace\": \"shop\", \"name\": \"web\", \"cpuMillis\": 500, \"memoryBytes\": 268435456}")));

    @Test
    void decide_scalesUpForUnschedulablePods_andNamesTheActuationByTheMinute() throws Exception {
        DecideHandler handler = new DecideHandler(ENV, CLOCK);

        JsonNode output = StepJson.MAPPER.readTree(handler.invoke(INPUT, LocalLambdaContext.forFunction("decide")));

        assertEquals("SCALE_UP", output.get("action").asText());
        assertEquals(3, output.get("count").asInt());
        assertEquals("UNSCHEDULABLE_PODS", output.get("trigger").asText());
        assertEquals("SCALE_UP", output.get("reasonCode").asText());
        assertTrue(output.get("reason").asText().startsWith("scale-up +3: "), output.toString());
        // every blocked line has its code, in the same order
        assertEquals(output.get("blocked").size(), output.get("blockedCodes").size(), output.toString());
        assertEquals("SCALING_UP", output.get("blockedCodes").get(0).asText());
        assertEquals("scale-up-20261123-1234", output.get("actuationName").asText());
        assertEquals("default", output.get("policy").asText());
    }

    /** w1 is full, w2 empty and unneeded for an hour: 1900m / 1600 MiB free in all. */
    private static final String ONE_WORKER_FREE = """
            {"execution": "tick-1",
             "metrics": {"available": true, "observedAt": "2026-11-23T12:34:50Z",
               "cpuPercent": 30.0, "cpuSustainedHighPercent": 30.0, "cpuSustainedLowPercent": 30.0,
               "memoryPercent": 30.0, "memorySustainedHighPercent": 30.0, "memorySustainedLowPercent": 30.0,
               "unschedulablePods": 0, "unschedulablePodsMaxOverIdleWindow": 0, "unschedulablePodRequests": [],
               "requestedCpuMillisOnWorkers": 1900, "requestedMemoryBytesOnWorkers": 1677721600,
               "workers": [{"name": "w1", "instanceId": "i-1", "ready": true, "schedulable": true,
                            "requestedCpuMillis": 1900, "requestedMemoryBytes": 1677721600},
                           {"name": "w2", "instanceId": "i-2", "ready": true, "schedulable": true,
                            "requestedCpuMillis": 0, "requestedMemoryBytes": 0}]},
             "state": {"consecutiveFailures": 0, "pendingLaunches": [], "unavailableOfferings": [], "paused": false,
                       "unneededNodes": [{"node": "w2", "instanceId": "i-2", "since": "2026-11-23T11:30:00Z"}]}}
            """;

    @Test
    void headroomShort_scalesUpWithItsOwnTrigger_andReason() throws Exception {
        DecideHandler handler = new DecideHandler(Map.of("CLUSTER_ID", "k3s-main", "HEADROOM_CPU_MILLIS", "3800"),
                CLOCK);

        JsonNode output = StepJson.MAPPER.readTree(handler.invoke(ONE_WORKER_FREE, LocalLambdaContext.forFunction("decide")));

        assertEquals("SCALE_UP", output.get("action").asText(), output.toString());
        assertEquals("HEADROOM", output.get("trigger").asText());
        assertEquals("SCALE_UP", output.get("reasonCode").asText());
        assertEquals("scale-up +1: free CPU (launches included) is 1.9 vCPU, below the headroom of 3.8 vCPU;"
                + " capacity in flight 0; 2 → 3 workers; adds $0.0208/hour (≈ $15.18/month)", output.get("reason").asText());
        assertEquals(0.0208, output.get("costChangeUsdPerHour").asDouble(), 1e-9);
    }

    @Test
    void inTheTick_decideSaysWhatToTellTheCluster_andInTheActuationItDoesNot() throws Exception {
        DecideHandler handler = new DecideHandler(Map.of("CLUSTER_ID", "k3s-main", "WORKER_HOURLY_PRICE_USD", "0.05"),
                CLOCK);
        // the tick passes LoadState's output whole as "loaded"; the actuation passes none
        String tick = INPUT.replaceFirst("\\{\"execution\": \"tick-1\",",
                "{\"execution\": \"tick-1\", \"loaded\": {\"locked\": false, \"fencingToken\": 3, \"reason\": \"free\"},");

        JsonNode told = StepJson.MAPPER.readTree(handler.invoke(tick, LocalLambdaContext.forFunction("decide")));
        JsonNode actuation = StepJson.MAPPER.readTree(handler.invoke(INPUT, LocalLambdaContext.forFunction("decide")));

        assertTrue(told.get("reportDue").asBoolean(), told.toString());
        JsonNode report = told.get("report");
        assertEquals("k3s-main", report.at("/status/cluster").asText());
        assertEquals("SCALE_UP", report.at("/status/decision/action").asText());
        assertEquals(told.get("reason").asText(), report.at("/status/decision/reason").asText());
        assertEquals("TriggeredScaleUp", report.at("/pods/0/event/reason").asText());
        assertTrue(report.at("/pods/0/event/note").asText().contains("by actuation scale-up-20261123-1234"));
        assertEquals(report.get("digest").asText(), told.at("/reportMark/digest").asText());
        assertEquals("2026-11-23T12:34:56Z", told.at("/reportMark/at").asText());
        assertTrue(told.get("reason").asText().endsWith("/month)"), told.get("reason").asText());
        // the actuation decides under its own lock: nothing to tell, nothing carried
        assertEquals(false, actuation.get("reportDue").asBoolean());
        assertTrue(actuation.path("report").isMissingNode(), actuation.toString());
    }

    @Test
    void headroomHeld_theWorkerItKeeps_saysSo_andIsCountedAsKeptByItsCode() throws Exception {
        DecideHandler handler = new DecideHandler(Map.of("CLUSTER_ID", "k3s-main", "HEADROOM_CPU_MILLIS", "1900",
                "MIN_WORKERS", "1"), CLOCK);

        JsonNode output = StepJson.MAPPER.readTree(handler.invoke(ONE_WORKER_FREE, LocalLambdaContext.forFunction("decide")));

        assertEquals("NOOP", output.get("action").asText(), output.toString());
        assertEquals("KEEPS_HEADROOM", output.get("workerCodes").get(1).asText(), output.toString());
        assertEquals("w2: keeps the headroom: without it free CPU would be 0.0 vCPU, below the headroom of 1.9 vCPU",
                output.get("workers").get(1).asText());
        assertEquals(1, output.get("keptUnneeded").get("KEEPS_HEADROOM").asInt(), output.toString());
    }

    @Test
    void seedBaselinePolicy_isChosenByEnvironment() throws Exception {
        DecideHandler handler = new DecideHandler(Map.of("CLUSTER_ID", "k3s-main", "SCALING_POLICY", "seed-baseline"), CLOCK);

        JsonNode output = StepJson.MAPPER.readTree(handler.invoke(INPUT, LocalLambdaContext.forFunction("decide")));

        assertEquals(1, output.get("count").asInt(), "the baseline adds one worker per tick");
        assertEquals("seed-baseline", output.get("policy").asText());
    }

    @Test
    void missingMetricsAndState_areBothNamed() {
        DecideHandler handler = new DecideHandler(ENV, CLOCK);

        InvalidStepInput error = assertThrows(InvalidStepInput.class,
                () -> handler.invoke("{\"execution\": \"tick-1\"}", LocalLambdaContext.forFunction("decide")));

        assertTrue(error.getMessage().endsWith("metrics is required; state is required"), error.getMessage());
    }

    @Test
    void badConfiguration_failsAtInit_withEveryProblem() {
        InvalidConfigurationException error = assertThrows(InvalidConfigurationException.class,
                () -> new DecideHandler(Map.of("SCALING_POLICY", "karpenter", "CPU_UP", "150"), CLOCK));

        assertEquals(3, error.problems().size(), error.getMessage());
        assertTrue(error.getMessage().contains("CLUSTER_ID is missing"), error.getMessage());
        assertTrue(error.getMessage().contains("SCALING_POLICY=karpenter is not one of [default, seed-baseline]"), error.getMessage());
        assertTrue(error.getMessage().contains("CPU_UP=150 is out of range"), error.getMessage());
    }

    @Test
    void priming_runsTheWholePathOnce_andDecidesNothing() throws Exception {
        DecideHandler handler = new DecideHandler(ENV, CLOCK);

        // WHEN SnapStart primes the handler, THEN its own input is valid and decides NOOP
        handler.prime();
        JsonNode output = StepJson.MAPPER.readTree(handler.invoke(handler.primingInput(), LocalLambdaContext.forFunction("decide")));

        assertEquals("NOOP", output.get("action").asText());
        assertEquals("METRICS_UNAVAILABLE", output.get("reasonCode").asText(), output.toString());
    }

    /**
     * Step Functions fails a state whose data passes 256 KiB (States.DataLimitExceeded, which no Catch takes): at
     * MAX_WORKERS' upper bound, with every worker unneeded, a report due and the most pod requests CollectMetrics
     * passes, what the tick carries past Decide — its input and its output — must stay well under it.
     */
    @Test
    void theTicksDataAtMaxWorkersUpperBound_staysWellUnderTheStateQuota() throws Exception {
        int workers = (int) dev.k3sautoscaler.core.config.ConfigVariable.MAX_WORKERS.max();
        String env = System.getProperty("decide.size.workers");
        for (int n : env == null ? new int[] {workers} : java.util.Arrays.stream(env.split(",")).mapToInt(Integer::parseInt).toArray()) {
            Carried carried = carriedPastDecide(n);
            System.out.printf("%d workers: %d bytes (input %d, output %d; %s)%n", n, carried.total(), carried.input(),
                    carried.output(), carried.parts());
            if (n == workers) {
                // Seven eighths of the quota: the rest of the tick's data (the reconcile's fleet view, the report's
                // result) must fit beside it.
                assertTrue(carried.total() < 256 * 1024 * 7 / 8, carried.toString());
            }
        }
    }

    private record Carried(int input, int output, String parts) {
        int total() {
            return input + output;
        }
    }

    private static Carried carriedPastDecide(int workers) throws Exception {
        StringBuilder nodes = new StringBuilder();
        StringBuilder timers = new StringBuilder();
        for (int i = 0; i < workers; i++) {
            String name = "ip-10-0-%d-%d.ec2.internal".formatted(i / 250, i % 250);
            String id = "i-0%016x".formatted(0xabc000000000L + i);
            nodes.append(i == 0 ? "" : ",").append("""
                    {"name": "%s", "instanceId": "%s", "ready": true, "schedulable": true,
                     "requestedCpuMillis": 400, "requestedMemoryBytes": 400000000}""".formatted(name, id));
            timers.append(i == 0 ? "" : ",").append("""
                    {"node": "%s", "instanceId": "%s", "since": "2026-11-23T11:00:00Z"}""".formatted(name, id));
        }
        String pods = String.join(",", java.util.Collections.nCopies(500,
                "{\"namespace\": \"batch\", \"name\": \"too-large-job-7d9f8c6b5d-x2x4q\", \"cpuMillis\": 64000, \"memoryBytes\": 268435456}"));
        String input = StepJson.MAPPER.readTree("""
                {"execution": "tick-20261123-123400",
                 "loaded": {"locked": false, "fencingToken": 3, "reason": "free"},
                 "metrics": {"available": true, "observedAt": "2026-11-23T12:34:50Z", "reason": "%d workers",
                   "cpuPercent": 20.0, "cpuSustainedHighPercent": 20.0, "cpuSustainedLowPercent": 21.0,
                   "memoryPercent": 20.0, "memorySustainedHighPercent": 20.0, "memorySustainedLowPercent": 21.0,
                   "unschedulablePods": 500, "unschedulablePodsMaxOverIdleWindow": 500,
                   "unschedulablePodRequests": [%s],
                   "requestedCpuMillisOnWorkers": 400000, "requestedMemoryBytesOnWorkers": 400000000000,
                   "workers": [%s]},
                 "state": {"consecutiveFailures": 0, "pendingLaunches": [], "unavailableOfferings": [], "paused": false,
                   "unneededNodes": [%s]}}
                """.formatted(workers, pods, nodes, timers)).toString();
        DecideHandler handler = new DecideHandler(Map.of("CLUSTER_ID", "k3s-main", "MIN_WORKERS", "10",
                "MAX_WORKERS", Integer.toString(workers)), CLOCK);

        String output = handler.invoke(input, LocalLambdaContext.forFunction("decide"));

        JsonNode decided = StepJson.MAPPER.readTree(output);
        assertTrue(decided.get("reportDue").asBoolean(), "the worst case carries a report");
        StringBuilder parts = new StringBuilder();
        decided.fields().forEachRemaining(f -> {
            if (f.getValue().toString().length() > 1000) {
                parts.append(f.getKey()).append(' ').append(f.getValue().toString().length()).append(", ");
            }
        });
        return new Carried(input.getBytes(java.nio.charset.StandardCharsets.UTF_8).length,
                output.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, parts.toString());
    }
}
