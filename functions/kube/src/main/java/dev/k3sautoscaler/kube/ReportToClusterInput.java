package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.core.report.ClusterReport;
import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.runtime.Validatable;
import java.util.List;

/** Input of ReportToCluster: the tick's execution and what Decide said to tell the cluster ({@code $.decision.report}). */
public record ReportToClusterInput(String execution, ClusterReport report) implements Validatable {
    @Override
    public List<String> validationProblems() {
        List<String> problems = new java.util.ArrayList<>(InputCheck.start()
                .required("execution", execution)
                .required("report", report)
                .problems());
        if (report != null && report.status() == null) {
            problems.add("report.status is required");
        }
        return problems;
    }
}
