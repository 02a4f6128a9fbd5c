package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.core.words.Words;

/**
 * What ReportToCluster wrote.
 *
 * @param eventsCreated  new events (a pod's first notice, a worker's changed status)
 * @param eventsRepeated events whose series counted a pod still waiting
 * @param nodesAnnotated workers whose scale-down status annotation was set
 * @param writesFailed   event writes the API refused (logged; the rest went on)
 * @param left           notices the write budget did not reach: the next tick writes them
 * @param complete       everything was written: the tick records the report as told
 * @param reason         one line for the console
 */
public record ReportToClusterOutput(int eventsCreated, int eventsRepeated, int nodesAnnotated, int writesFailed,
                                    int left, boolean complete, String reason) {

    static ReportToClusterOutput of(int created, int repeated, int annotated, int failed, int left) {
        String reason = "status ConfigMap updated; " + Words.plural(created, "event") + " created, "
                + repeated + " counted again, " + Words.plural(annotated, "node") + " annotated"
                + (failed == 0 ? "" : ", " + Words.plural(failed, "event write") + " refused")
                + (left == 0 ? "" : "; " + Words.plural(left, "notice") + " left for the next tick");
        return new ReportToClusterOutput(created, repeated, annotated, failed, left, left == 0 && failed == 0, reason);
    }
}
