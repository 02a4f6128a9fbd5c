package dev.k3sautoscaler.simulator.report.html;

import dev.k3sautoscaler.simulator.report.ComparisonTable;
import dev.k3sautoscaler.simulator.report.ReportFixtures;
import dev.k3sautoscaler.simulator.report.RunSummary;
import dev.k3sautoscaler.simulator.report.SummaryTable;
import dev.k3sautoscaler.simulator.report.chart.LabelledRun;
import dev.k3sautoscaler.simulator.report.chart.RunChart;
import dev.k3sautoscaler.simulator.report.html.ReportPage.ExecutionLink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The page of a hand-built flash-sale run with both policies, and the history files it links to. */
final class PageFixtures {
    static final String SCENARIO = "flash-sale (3h, seed 14)";
    /** Input text with markup in it: the page must show it, not interpret it. */
    static final String DESCRIPTION = "A sale starts at 1h; web jumps from 8 to 30 replicas <b>in 2 minutes</b> & checkout 2 → 8.";
    static final List<ExecutionLink> EXECUTIONS = List.of(
            new ExecutionLink("default-tick-0061", "executions/default-tick-0061.json", "SUCCEEDED", "22 pods unschedulable: start actuation"),
            new ExecutionLink("default-actuation-0061", "executions/default-actuation-0061.json", "SUCCEEDED", "launched 3 t3.small"),
            new ExecutionLink("seed-baseline-actuation-0020", "executions/seed-baseline-actuation-0020.json", "FAILED",
                    "drain blocked: PodDisruptionBudget web <maxUnavailable 2>"));

    private PageFixtures() {
    }

    static ReportPage flashSale(Path outDir) throws IOException {
        for (ExecutionLink execution : EXECUTIONS) {
            Path file = outDir.resolve(execution.relativePath());
            Files.createDirectories(file.getParent());
            Files.writeString(file, "{\"name\":\"" + execution.name() + "\",\"status\":\"" + execution.status() + "\"}");
        }
        RunSummary ours = ReportFixtures.summary(ReportFixtures.ours());
        RunSummary baseline = ReportFixtures.summary(ReportFixtures.baseline());
        RunChart chart = RunChart.render(SCENARIO, List.of(new LabelledRun("default", ReportFixtures.ours()),
                new LabelledRun("seed-baseline", ReportFixtures.baseline())), ReportFixtures.WORKER_CPU_MILLIS);
        String summary = SummaryTable.render(SCENARIO + ", policy default", ours) + "\n"
                + SummaryTable.render(SCENARIO + ", policy seed-baseline", baseline);
        return new ReportPage(SCENARIO, DESCRIPTION, summary, ComparisonTable.of("default", ours, "seed-baseline", baseline),
                List.of(new ReportPage.Chart("default (blue) and seed-baseline (orange) on the same scenario and seed", chart, "chart")),
                EXECUTIONS);
    }
}
