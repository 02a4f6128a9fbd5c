package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.core.report.ClusterReport;
import dev.k3sautoscaler.core.report.NodeNotice;
import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.runtime.Validatable;
import java.util.List;

/**
 * Input of ReportToCluster: the tick's execution, what Decide said to tell the cluster ({@code $.decision.report}),
 * and each worker's scale-down verdict and its code ({@code $.decision.workers}, {@code $.decision.workerCodes}),
 * which the report travels without.
 */
public record ReportToClusterInput(String execution, ClusterReport report, List<String> workers,
                                   List<String> workerCodes) implements Validatable {
    public ReportToClusterInput {
        workers = workers == null ? List.of() : List.copyOf(workers);
        workerCodes = workerCodes == null ? List.of() : List.copyOf(workerCodes);
    }

    @Override
    public List<String> validationProblems() {
        List<String> problems = new java.util.ArrayList<>(InputCheck.start()
                .required("execution", execution)
                .required("report", report)
                .problems());
        if (report != null && report.status() == null) {
            problems.add("report.status is required");
        }
        if (workers.size() != workerCodes.size()) {
            problems.add("workers has " + workers.size() + " verdicts but workerCodes " + workerCodes.size() + " codes");
        }
        workers.stream().filter(line -> line == null || line.indexOf(": ") <= 0).findFirst()
                .ifPresent(line -> problems.add("workers holds a line that is not \"<node>: <verdict>\": " + line));
        return problems;
    }

    /** The report with each worker's scale-down status back in it. */
    ClusterReport reportWithWorkers() {
        return report.withNodes(NodeNotice.fromLines(workers, workerCodes));
    }
}
