package dev.k3sautoscaler.simulator.report;

import dev.k3sautoscaler.simulator.report.RunSummary.Spike;
import dev.k3sautoscaler.simulator.scenario.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Renders a {@link RunSummary} as the plain-text table the simulator prints on stdout. */
public final class SummaryTable {
    private static final int LABEL_WIDTH = 38;
    private static final int MAX_SPIKES_SHOWN = 5;

    private SummaryTable() {
    }

    /** @param title e.g. {@code flash-sale (3h, seed 14), policy default} */
    public static String render(String title, RunSummary summary) {
        List<String[]> rows = new ArrayList<>();
        if (summary.spikes().isEmpty()) {
            rows.add(row("Spikes (unschedulable pods > 0)", "none"));
        } else {
            rows.add(row("Spikes (unschedulable pods > 0)", summary.spikes().size()
                    + "  (start, all scheduled after, peak pods, longest a pod waited)"));
            List<Spike> shown = largest(summary.spikes());
            for (Spike spike : shown) {
                rows.add(row("  at " + Durations.format(spike.start()),
                        (spike.resolvedAfter() == null ? "NOT RESOLVED by the end" : Durations.format(spike.resolvedAfter()))
                                + ", peak " + spike.peakPods() + ", longest " + Durations.format(spike.longestPodWait())));
                if (spike.latency() != null) {
                    rows.add(row("    where the wait went", waitParts(spike.latency())));
                }
            }
            if (shown.size() < summary.spikes().size()) {
                rows.add(row("  …", (summary.spikes().size() - shown.size()) + " smaller spikes (summary.json lists all)"));
            }
            Duration detection = summary.medianDetection();
            rows.add(row("Unschedulable → RunInstances (p50)", detection == null ? "no pod waited for a launch"
                    : Durations.format(detection) + "  (over the pods that waited for one)"));
        }
        rows.add(row("Unschedulable pod-minutes", number("%.0f", summary.unschedulablePodMinutes())));
        if (summary.podsLargerThanAWorker() > 0) {
            rows.add(row("Pods larger than a worker", summary.podsLargerThanAWorker() + " (no scale-up can place them)"));
        }
        rows.add(row("Worker node-hours (cost)", number("%.2f", summary.nodeHours()) + "  ($" + number("%.4f", summary.costUsd()) + ")"));
        rows.add(row("Oracle floor node-hours (cost)", number("%.2f", summary.oracleNodeHours()) + "  ($" + number("%.4f", summary.oracleCostUsd()) + ")"));
        rows.add(row("Cost / oracle", Double.isNaN(summary.costRatio()) ? "n/a" : number("%.2f", summary.costRatio())));
        headroomRow(summary.headroom()).ifPresent(rows::add);
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
        RunSummary.KubernetesEvents events = summary.kubernetesEvents();
        if (events != null) {
            rows.add(row("Kubernetes events written", events.written() + " (" + events.sightings() + " sightings with"
                    + " their series" + (events.byReason().isEmpty() ? "" : "; " + events.byReason().entrySet().stream()
                    .sorted(java.util.Map.Entry.comparingByKey())
                    .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", "))) + ")"));
        }
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

    /** The spikes with the most pod-minutes, in time order: a day has dozens, a reader wants the ones that cost. */
    private static List<Spike> largest(List<Spike> spikes) {
        if (spikes.size() <= MAX_SPIKES_SHOWN) {
            return spikes;
        }
        List<Spike> largest = spikes.stream().sorted(Comparator.comparingDouble(Spike::podMinutes).reversed())
                .limit(MAX_SPIKES_SHOWN).toList();
        return spikes.stream().filter(largest::contains).toList();
    }

    /** {@code arrival 0s · detect 15s · tick 30s · decide 0s · launch 0s · boot 1m10s · join 30s · bind 0s (schedule)} */
    static String waitParts(RunSummary.Latency latency) {
        return "arrival " + Durations.format(latency.arrival()) + " · detect " + Durations.format(latency.detect()) + " · tick " + Durations.format(latency.tick())
                + " · decide " + Durations.format(latency.decide()) + " · launch " + Durations.format(latency.launch())
                + " · boot " + Durations.format(latency.boot()) + " · join " + Durations.format(latency.join())
                + " · bind " + Durations.format(latency.bind())
                + (latency.trigger() == null ? " (no worker launched for it)" : " (" + latency.trigger().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")");
    }

    /** Only when the run kept a headroom: off, it is no figure at all. */
    private static Optional<String[]> headroomRow(RunSummary.HeadroomSpend headroom) {
        return Optional.ofNullable(headroom).map(h -> row("Headroom kept free, at most (cost)", number("%.2f", h.workers())
                + " workers × " + number("%.2f", h.nodeHours() / h.workers()) + " h = " + number("%.2f", h.nodeHours())
                + " node-hours  ($" + number("%.4f", h.costUsd()) + ")"));
    }

    private static String[] row(String label, String value) {
        return new String[] {label, value};
    }

    private static String number(String format, double value) {
        return String.format(Locale.ROOT, format, value);
    }
}
