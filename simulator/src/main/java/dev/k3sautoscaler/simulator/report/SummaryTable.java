package dev.k3sautoscaler.simulator.report;

import dev.k3sautoscaler.simulator.report.RunSummary.Spike;
import dev.k3sautoscaler.simulator.scenario.Durations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders a {@link RunSummary} as the plain-text table the simulator prints on stdout. */
public final class SummaryTable {
    private static final int LABEL_WIDTH = 38;

    private SummaryTable() {
    }

    /** @param title e.g. {@code flash-sale (3h, seed 14), policy default} */
    public static String render(String title, RunSummary summary) {
        List<String[]> rows = new ArrayList<>();
        if (summary.spikes().isEmpty()) {
            rows.add(row("Spikes (unschedulable pods > 0)", "none"));
        } else {
            rows.add(row("Spikes (unschedulable pods > 0)", summary.spikes().size() + "  (start, all scheduled after, peak pods)"));
            for (Spike spike : summary.spikes()) {
                rows.add(row("  at " + Durations.format(spike.start()),
                        (spike.resolvedAfter() == null ? "NOT RESOLVED by the end" : Durations.format(spike.resolvedAfter()))
                                + ", peak " + spike.peakPods()));
            }
        }
        rows.add(row("Unschedulable pod-minutes", number("%.0f", summary.unschedulablePodMinutes())));
        rows.add(row("Worker node-hours (cost)", number("%.2f", summary.nodeHours()) + "  ($" + number("%.4f", summary.costUsd()) + ")"));
        rows.add(row("Oracle floor node-hours (cost)", number("%.2f", summary.oracleNodeHours()) + "  ($" + number("%.4f", summary.oracleCostUsd()) + ")"));
        rows.add(row("Cost / oracle", Double.isNaN(summary.costRatio()) ? "n/a" : number("%.2f", summary.costRatio())));
        rows.add(row("Scale events", "up " + summary.scaleUpEvents() + " (+" + summary.nodesAdded() + " nodes), down "
                + summary.scaleDownEvents() + " (-" + summary.nodesRemoved() + " nodes)"));
        rows.add(row("Flaps (down, then up within 10 min)", Integer.toString(summary.flaps())));
        rows.add(row("Spot drains within budget", summary.spotDrains() == 0 ? "no interruptions"
                : summary.spotDrainsWithinBudget() + "/" + summary.spotDrains()));
        if (summary.ec2EventsSkipped() > 0) {
            rows.add(row("EC2 events skipped", summary.ec2EventsSkipped() + " (target no running Spot worker)"));
        }
        rows.add(row("Executions", summary.expressExecutions() + " express ticks, " + summary.standardExecutions()
                + " standard actuations, " + summary.stateTransitions() + " state transitions"));
        ControlPlanePricing.Monthly month = summary.controlPlane();
        rows.add(row("Control plane $/month (projected)", "$" + number("%.2f", month.totalUsd())
                + "  (express $" + number("%.2f", month.expressUsd()) + ", standard $" + number("%.2f", month.standardUsd())
                + ", Lambda requests $" + number("%.2f", month.lambdaRequestsUsd()) + ")"));

        StringBuilder out = new StringBuilder(title).append('\n').append("-".repeat(Math.max(title.length(), LABEL_WIDTH + 20))).append('\n');
        for (String[] row : rows) {
            out.append(String.format(Locale.ROOT, "%-" + LABEL_WIDTH + "s %s\n", row[0], row[1]));
        }
        return out.toString();
    }

    private static String[] row(String label, String value) {
        return new String[] {label, value};
    }

    private static String number(String format, double value) {
        return String.format(Locale.ROOT, format, value);
    }
}
