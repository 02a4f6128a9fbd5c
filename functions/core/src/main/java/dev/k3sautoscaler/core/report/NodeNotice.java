package dev.k3sautoscaler.core.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A worker's scale-down status as the node annotation {@link #ANNOTATION} and, when it changes, a
 * node event: the operator's "why isn't this node removed?" answered where kubectl looks.
 *
 * @param code   {@code REMOVED} or the unremovable reason's code ({@code NOT_UNDERUTILIZED})
 * @param reason the verdict in words, as the console shows it
 */
public record NodeNotice(String node, String code, String reason) {
    public static final String ANNOTATION = "k3s-autoscaler/scale-down-status";
    public static final String REMOVED = "REMOVED";

    /**
     * The notices of a decision's verdict lines ({@code "w-3: not underutilized …"}) and their codes, index by
     * index: how ReportToCluster gets them back, since the report travels without them (they are the
     * decision's {@code workers} and {@code workerCodes} already, and twice would double the tick's data).
     */
    public static List<NodeNotice> fromLines(List<String> lines, List<String> codes) {
        if (lines.size() != codes.size()) {
            throw new IllegalArgumentException(lines.size() + " verdict lines but " + codes.size() + " codes");
        }
        List<NodeNotice> notices = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            notices.add(ofLine(lines.get(i), codes.get(i)));
        }
        return notices;
    }

    /** One verdict line ({@code "w-3: not underutilized …"}) with its code. */
    public static NodeNotice ofLine(String line, String code) {
        // A Node's name is a DNS subdomain: it never holds ": ", so the first one ends it.
        int end = line.indexOf(": ");
        if (end <= 0) {
            throw new IllegalArgumentException("not a verdict line (\"<node>: <words>\"): " + line);
        }
        return new NodeNotice(line.substring(0, end), code, line.substring(end + 2));
    }

    /** The annotation's value: the code first, so a script can cut it. */
    public String annotationValue() {
        return code + ": " + reason;
    }

    /** The event written when the status changes (none for a removal: CordonNode says that). */
    public ClusterEvent event() {
        return ClusterEvent.onNode(node, "ScaleDownStatus", false, "Evaluate", "scale-down: " + reason);
    }
}
