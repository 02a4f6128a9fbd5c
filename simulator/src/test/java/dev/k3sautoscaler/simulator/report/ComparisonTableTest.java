package dev.k3sautoscaler.simulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.simulator.report.ComparisonTable.Row;
import dev.k3sautoscaler.simulator.report.RunSummary.Spike;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonTableTest {
    private static final ControlPlanePricing.Monthly CHEAP = new ControlPlanePricing.Monthly(0.0548, 0.0105, 0.0175);
    private static final ControlPlanePricing.Monthly STANDARD_PER_TICK = new ControlPlanePricing.Monthly(0, 6.57, 0.0175);

    /** Ours: one spike resolved in 4 min, 12.5 node-hours against a floor of 10, no Spot loss. */
    private static RunSummary ours() {
        return new RunSummary(List.of(new Spike(Duration.ofMinutes(60), Duration.ofMinutes(4), 22)),
                40, 0, 12.5, 0.26, 10, 0.208, 1, 3, 2, 2, 0, 0, 0, 180, 3, 762, CHEAP);
    }

    /** The baseline: two spikes, the longest 16 min, 14 node-hours, 5 scale-ups, one flap. */
    private static RunSummary baseline() {
        return new RunSummary(List.of(new Spike(Duration.ofMinutes(20), Duration.ofMinutes(8), 1),
                new Spike(Duration.ofMinutes(60), Duration.ofMinutes(16), 22)),
                160, 0, 14, 0.2912, 10, 0.208, 5, 5, 3, 3, 1, 0, 0, 180, 8, 832, STANDARD_PER_TICK);
    }

    private static Row row(ComparisonTable table, String figure) {
        return table.rows().stream().filter(r -> r.figure().equals(figure)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + figure + " in " + table.rows()));
    }

    @Test
    void everyFigure_hasBothValuesAndTheRatioToTheBaseline() {
        // WHEN
        ComparisonTable table = ComparisonTable.of("default", ours(), "seed-baseline", baseline());

        // THEN
        assertEquals(new Row("Spikes (unschedulable pods > 0)", "1", "2", "0.50", "—"), row(table, "Spikes (unschedulable pods > 0)"));
        assertEquals(new Row("Longest wait until all scheduled", "4m", "16m", "0.25", "—"), row(table, "Longest wait until all scheduled"));
        assertEquals(new Row("Unschedulable pod-minutes", "40", "160", "0.25", "—"), row(table, "Unschedulable pod-minutes"));
        assertEquals(new Row("Scale-up events", "1", "5", "0.20", "—"), row(table, "Scale-up events"));
        assertEquals(new Row("Nodes added", "3", "5", "0.60", "—"), row(table, "Nodes added"));
        assertEquals(new Row("Scale-down events", "2", "3", "0.67", "—"), row(table, "Scale-down events"));
        assertEquals(new Row("Nodes removed", "2", "3", "0.67", "—"), row(table, "Nodes removed"));
        assertEquals(new Row("Express executions", "180", "180", "1.00", "—"), row(table, "Express executions"));
        assertEquals(new Row("Standard executions", "3", "8", "0.38", "—"), row(table, "Standard executions"));
        assertEquals(new Row("State transitions", "762", "832", "0.92", "—"), row(table, "State transitions"));
        assertEquals(new Row("Control plane $/month (projected)", "$0.08", "$6.59", "0.01", "—"),
                row(table, "Control plane $/month (projected)"));
        assertEquals(18, table.rows().size());
    }

    @Test
    void costFigures_areAlsoComparedWithTheOracleFloor() {
        // WHEN
        ComparisonTable table = ComparisonTable.of("default", ours(), "seed-baseline", baseline());

        // THEN 12.5 / 10 node-hours, $0.26 / $0.208; the cost ratio row compares the two runs' ratios
        assertEquals(new Row("Worker node-hours", "12.50", "14.00", "0.89", "1.25"), row(table, "Worker node-hours"));
        assertEquals(new Row("Worker cost", "$0.2600", "$0.2912", "0.89", "1.25"), row(table, "Worker cost"));
        assertEquals(new Row("Cost / oracle", "1.25", "1.40", "0.89", "—"), row(table, "Cost / oracle"));
    }

    @Test
    void zeroDivisors_sayWhatWasCompared_neverNaN() {
        // GIVEN neither run flapped, and a floor of zero (a scenario with nothing to run)
        RunSummary quiet = new RunSummary(List.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 60, 0, 240, CHEAP);
        RunSummary busy = new RunSummary(List.of(), 12, 0, 2, 0.04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 60, 0, 240, CHEAP);

        // WHEN
        ComparisonTable table = ComparisonTable.of("default", busy, "seed-baseline", quiet);

        // THEN
        assertEquals(new Row("Flaps (down, then up within 10 min)", "0", "0", "0 vs 0", "—"), row(table, "Flaps (down, then up within 10 min)"));
        assertEquals(new Row("Unschedulable pod-minutes", "12", "0", "12 vs 0", "—"), row(table, "Unschedulable pod-minutes"));
        assertEquals(new Row("Worker node-hours", "2.00", "0.00", "2.00 vs 0.00", "2.00 vs 0.00"), row(table, "Worker node-hours"));
        assertEquals(new Row("Cost / oracle", "n/a", "n/a", "—", "—"), row(table, "Cost / oracle"));
        assertEquals(new Row("Longest wait until all scheduled", "no spike", "no spike", "0s vs 0s", "—"),
                row(table, "Longest wait until all scheduled"));
        String text = table.render("empty");
        assertFalse(text.contains("NaN") || text.contains("Infinity"), text);
    }

    @Test
    void unresolvedSpikes_andMissingInterruptions_leaveNoRatio() {
        // GIVEN ours lost two Spot workers and drained one in time; the baseline's last spike never resolved
        RunSummary oursWithSpot = new RunSummary(List.of(), 0, 0, 5, 0.1, 5, 0.1, 0, 0, 0, 0, 0, 1, 2, 60, 0, 240, CHEAP);
        RunSummary unresolved = new RunSummary(List.of(new Spike(Duration.ofMinutes(50), null, 4)),
                30, 0, 5, 0.1, 5, 0.1, 0, 0, 0, 0, 0, 0, 0, 60, 0, 240, CHEAP);
        RunSummary bothDrained = new RunSummary(List.of(), 0, 0, 5, 0.1, 5, 0.1, 0, 0, 0, 0, 0, 2, 2, 60, 0, 240, CHEAP);

        // WHEN
        ComparisonTable withoutSpot = ComparisonTable.of("default", oursWithSpot, "seed-baseline", unresolved);
        ComparisonTable drained = ComparisonTable.of("default", oursWithSpot, "seed-baseline", bothDrained);

        // THEN
        assertEquals(new Row("Longest wait until all scheduled", "no spike", "NOT RESOLVED", "—", "—"),
                row(withoutSpot, "Longest wait until all scheduled"));
        assertEquals(new Row("Spot drains within budget", "1/2", "no interruptions", "—", "—"), row(withoutSpot, "Spot drains within budget"));
        assertEquals(new Row("Spot drains within budget", "1/2", "2/2", "0.50", "—"), row(drained, "Spot drains within budget"));
    }

    @Test
    void latencyRows_compareTheLongestPodWait_andTheDetectionMedian() {
        // GIVEN ours: a pod waited at most 2m30s, the median pod saw RunInstances after 16 s; the baseline 9m and 58 s
        RunSummary.Spike oursSpike = new RunSummary.Spike(Duration.ofMinutes(60), Duration.ofMinutes(4), 22, 40,
                Duration.ofSeconds(150), null);
        RunSummary.Spike baselineSpike = new RunSummary.Spike(Duration.ofMinutes(60), Duration.ofMinutes(12), 22, 160,
                Duration.ofMinutes(9), null);
        RunSummary fast = new RunSummary(List.of(oursSpike), 40, 0, 12.5, 0.26, 10, 0.208, 1, 3, 2, 2, 0, 0, 0, 0, 180, 3, 762,
                CHEAP, Duration.ofSeconds(16), null);
        RunSummary slow = new RunSummary(List.of(baselineSpike), 160, 0, 14, 0.2912, 10, 0.208, 5, 5, 3, 3, 1, 0, 0, 0, 180, 8,
                832, STANDARD_PER_TICK, Duration.ofSeconds(58), null);
        RunSummary quiet = new RunSummary(List.of(), 0, 0, 12.5, 0.26, 10, 0.208, 0, 0, 0, 0, 0, 0, 0, 180, 3, 762, CHEAP);

        // WHEN
        ComparisonTable table = ComparisonTable.of("default", fast, "seed-baseline", slow);
        ComparisonTable againstQuiet = ComparisonTable.of("default", fast, "seed-baseline", quiet);

        // THEN
        assertEquals(new Row("Longest a pod waited", "2m30s", "9m", "0.28", "—"), row(table, "Longest a pod waited"));
        assertEquals(new Row("Unschedulable → RunInstances (p50)", "16s", "58s", "0.28", "—"),
                row(table, "Unschedulable → RunInstances (p50)"));
        assertEquals(new Row("Longest a pod waited", "2m30s", "no spike", "—", "—"), row(againstQuiet, "Longest a pod waited"));
        assertEquals(new Row("Unschedulable → RunInstances (p50)", "16s", "no launch", "—", "—"),
                row(againstQuiet, "Unschedulable → RunInstances (p50)"));
    }

    @Test
    void runsOfDifferentScenarios_areRefused() {
        RunSummary otherFloor = new RunSummary(List.of(), 0, 0, 5, 0.1, 7, 0.14, 0, 0, 0, 0, 0, 0, 0, 60, 0, 240, CHEAP);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ComparisonTable.of("default", ours(), "seed-baseline", otherFloor));
        assertTrue(error.getMessage().contains("not the same scenario and seed"), error.getMessage());
    }

    @Test
    void render_alignsAColumnPerRunThenTheRatios() {
        // WHEN
        String text = ComparisonTable.of("default", ours(), "seed-baseline", baseline()).render("flash-sale (3h, seed 14)");

        // THEN
        List<String> lines = text.lines().toList();
        assertEquals("flash-sale (3h, seed 14)", lines.get(0));
        assertTrue(lines.get(1).matches("-{40,}"), lines.get(1));
        assertEquals("                                               default     seed-baseline  default / seed-baseline  default / oracle",
                lines.get(2));
        assertEquals("Worker node-hours                                12.50             14.00                     0.89              1.25",
                lines.stream().filter(l -> l.startsWith("Worker node-hours")).findFirst().orElseThrow());
        assertEquals("Spot drains within budget             no interruptions  no interruptions                        —                 —",
                lines.stream().filter(l -> l.startsWith("Spot drains")).findFirst().orElseThrow());
        assertEquals(3 + 18, lines.size());
    }

    @Test
    void handBuiltFlashSale_oursBeatsTheBaseline() {
        // GIVEN the report fixtures: one sized scale-up against +1 per 5 minutes
        RunSummary ours = ReportFixtures.summary(ReportFixtures.ours());
        RunSummary baseline = ReportFixtures.summary(ReportFixtures.baseline());

        // WHEN
        ComparisonTable table = ComparisonTable.of("default", ours, "seed-baseline", baseline);

        // THEN fewer pod-minutes waiting and fewer scale-ups
        assertTrue(Double.parseDouble(row(table, "Unschedulable pod-minutes").oursVsBaseline()) < 1, table.render("t"));
        assertEquals("0.20", row(table, "Scale-up events").oursVsBaseline());
        assertEquals("0.00", row(table, "Flaps (down, then up within 10 min)").oursVsBaseline());
    }
}
