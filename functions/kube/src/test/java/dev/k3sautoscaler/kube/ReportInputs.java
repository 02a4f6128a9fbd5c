package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.core.report.ClusterReport;
import dev.k3sautoscaler.core.report.NodeNotice;
import java.util.List;

/** ReportToCluster's input as the tick builds it: the report without the workers' statuses, which travel beside it. */
final class ReportInputs {
    private ReportInputs() {
    }

    static ReportToClusterInput asTheTickSendsIt(String execution, ClusterReport report) {
        List<NodeNotice> nodes = report.nodes();
        return new ReportToClusterInput(execution, report.withNodes(List.of()),
                nodes.stream().map(n -> n.node() + ": " + n.reason()).toList(),
                nodes.stream().map(NodeNotice::code).toList());
    }
}
