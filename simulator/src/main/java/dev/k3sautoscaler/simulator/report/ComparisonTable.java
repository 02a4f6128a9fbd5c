package dev.k3sautoscaler.simulator.report;

import dev.k3sautoscaler.simulator.report.RunSummary.Spike;
import dev.k3sautoscaler.simulator.scenario.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.DoubleFunction;

/**
 * Two runs of the same scenario and seed side by side — ours (the default policy) and a baseline
 * (seed-baseline) — with two ratio columns: ours ÷ baseline and ours ÷ the cost oracle's floor.
 * A ratio is only printed where it means something: {@code —} where the oracle has no such figure
 * or a run has nothing to compare ("no interruptions", a spike never resolved), {@code 0 vs 0}
 * or {@code 12 vs 0} where the divisor is zero, never NaN or ∞.
 */
public record ComparisonTable(String oursLabel, String baselineLabel, List<Row> rows, String actualLabel) {
    static final String NONE = "—";
    private static final int LABEL_WIDTH = 36;
    static final String POD_MINUTES = "Unschedulable pod-minutes";
    static final String NODE_HOURS = "Worker node-hours";
    static final String COST = "Worker cost";

    public ComparisonTable {
        Objects.requireNonNull(oursLabel, "oursLabel");
        Objects.requireNonNull(baselineLabel, "baselineLabel");
        rows = List.copyOf(rows);
    }

    public ComparisonTable(String oursLabel, String baselineLabel, List<Row> rows) {
        this(oursLabel, baselineLabel, rows, null);
    }

    /**
     * One figure: its value for each run, as printed, and the two ratios; with what actually happened
     * (a replay) its value and ours ÷ it, or null.
     */
    public record Row(String figure, String ours, String baseline, String oursVsBaseline, String oursVsOracle,
                      String actual, String oursVsActual) {
        public Row(String figure, String ours, String baseline, String oursVsBaseline, String oursVsOracle) {
            this(figure, ours, baseline, oursVsBaseline, oursVsOracle, null, null);
        }

        /** The values after the figure's name, in the header's order. */
        public List<String> cells(boolean withActual) {
            List<String> cells = new ArrayList<>(List.of(ours, baseline, oursVsBaseline, oursVsOracle));
            if (withActual) {
                cells.add(actual == null ? NONE : actual);
                cells.add(oursVsActual == null ? NONE : oursVsActual);
            }
            return cells;
        }
    }

    /** What the real cluster did over a replayed range, in the figures a replay can read from its history. */
    public record Observed(double nodeHours, double costUsd, double unschedulablePodMinutes) {
    }

    /** The column headers after the figures' column. */
    public List<String> header() {
        List<String> header = new ArrayList<>(List.of(oursLabel, baselineLabel, oursLabel + " / " + baselineLabel,
                oursLabel + " / oracle"));
        if (actualLabel != null) {
            header.add(actualLabel);
            header.add(oursLabel + " / " + actualLabel);
        }
        return header;
    }

    /** The same table with what actually happened beside the two runs: the replay's third column. */
    public ComparisonTable withActual(String label, RunSummary ours, Observed observed) {
        List<Row> withActual = rows.stream().map(row -> switch (row.figure()) {
            case POD_MINUTES -> actual(row, observed.unschedulablePodMinutes(), ours.unschedulablePodMinutes(),
                    value -> number("%.0f", value));
            case NODE_HOURS -> actual(row, observed.nodeHours(), ours.nodeHours(), value -> number("%.2f", value));
            case COST -> actual(row, observed.costUsd(), ours.costUsd(), value -> "$" + number("%.4f", value));
            default -> row;
        }).toList();
        return new ComparisonTable(oursLabel, baselineLabel, withActual, label);
    }

    private static Row actual(Row row, double actual, double ours, DoubleFunction<String> format) {
        return new Row(row.figure(), row.ours(), row.baseline(), row.oursVsBaseline(), row.oursVsOracle(),
                format.apply(actual), ratio(ours, actual, format));
    }

    /**
     * @throws IllegalArgumentException when the two runs have different oracle floors: they did not play the same scenario and seed
     */
    public static ComparisonTable of(String oursLabel, RunSummary ours, String baselineLabel, RunSummary baseline) {
        if (ours.oracleNodeHours() != baseline.oracleNodeHours() || ours.oracleCostUsd() != baseline.oracleCostUsd()) {
            throw new IllegalArgumentException("the runs have different oracle floors (" + ours.oracleNodeHours() + " vs "
                    + baseline.oracleNodeHours() + " node-hours): not the same scenario and seed");
        }
        List<Row> rows = new ArrayList<>();
        rows.add(count("Spikes (unschedulable pods > 0)", ours.spikes().size(), baseline.spikes().size()));
        rows.add(worstWait(ours, baseline));
        rows.add(durations("Longest a pod waited", longestPodWait(ours), longestPodWait(baseline), "no spike"));
        rows.add(durations("Unschedulable → RunInstances (p50)", ours.medianDetection(), baseline.medianDetection(),
                "no launch"));
        rows.add(measured(POD_MINUTES, ours.unschedulablePodMinutes(), baseline.unschedulablePodMinutes(),
                null, value -> number("%.0f", value)));
        rows.add(measured(NODE_HOURS, ours.nodeHours(), baseline.nodeHours(), ours.oracleNodeHours(),
                value -> number("%.2f", value)));
        rows.add(measured(COST, ours.costUsd(), baseline.costUsd(), ours.oracleCostUsd(),
                value -> "$" + number("%.4f", value)));
        rows.add(costRatio(ours, baseline));
        rows.add(count("Scale-up events", ours.scaleUpEvents(), baseline.scaleUpEvents()));
        rows.add(count("Nodes added", ours.nodesAdded(), baseline.nodesAdded()));
        rows.add(count("Scale-down events", ours.scaleDownEvents(), baseline.scaleDownEvents()));
        rows.add(count("Nodes removed", ours.nodesRemoved(), baseline.nodesRemoved()));
        rows.add(count("Flaps (down, then up within 10 min)", ours.flaps(), baseline.flaps()));
        rows.add(spotDrains(ours, baseline));
        rows.add(count("Express executions", ours.expressExecutions(), baseline.expressExecutions()));
        rows.add(count("Standard executions", ours.standardExecutions(), baseline.standardExecutions()));
        rows.add(count("State transitions", ours.stateTransitions(), baseline.stateTransitions()));
        rows.add(measured("Control plane $/month (projected)", ours.controlPlane().totalUsd(), baseline.controlPlane().totalUsd(),
                null, value -> "$" + number("%.2f", value)));
        return new ComparisonTable(oursLabel, baselineLabel, rows);
    }

    /** The plain-text table: a column per run, then the ratios. */
    public String render(String title) {
        List<String[]> lines = new ArrayList<>();
        List<String> header = header();
        header.addFirst("");
        lines.add(header.toArray(String[]::new));
        for (Row row : rows) {
            List<String> line = row.cells(actualLabel != null);
            line.addFirst(row.figure());
            lines.add(line.toArray(String[]::new));
        }
        int[] widths = new int[lines.getFirst().length];
        widths[0] = LABEL_WIDTH;
        for (String[] line : lines) {
            for (int column = 1; column < line.length; column++) {
                widths[column] = Math.max(widths[column], line[column].length());
            }
        }
        StringBuilder table = new StringBuilder();
        for (String[] line : lines) {
            StringBuilder text = new StringBuilder(pad(line[0], widths[0], false));
            for (int column = 1; column < line.length; column++) {
                text.append("  ").append(pad(line[column], widths[column], true));
            }
            table.append(text.toString().stripTrailing()).append('\n');
        }
        int width = table.indexOf("\n");
        return title + '\n' + "-".repeat(Math.max(title.length(), width)) + '\n' + table;
    }

    /** ours ÷ other as {@code 0.50}; {@code 0 vs 0} / {@code 12 vs 0} when the divisor is zero. */
    static String ratio(double ours, double other, DoubleFunction<String> format) {
        if (other == 0) {
            return format.apply(ours) + " vs " + format.apply(other);
        }
        return number("%.2f", ours / other);
    }

    private static Row count(String figure, int ours, int baseline) {
        DoubleFunction<String> format = value -> number("%.0f", value);
        return new Row(figure, Integer.toString(ours), Integer.toString(baseline), ratio(ours, baseline, format), NONE);
    }

    /** @param oracle the floor's value, or null when the oracle has no such figure */
    private static Row measured(String figure, double ours, double baseline, Double oracle, DoubleFunction<String> format) {
        return new Row(figure, format.apply(ours), format.apply(baseline), ratio(ours, baseline, format),
                oracle == null ? NONE : ratio(ours, oracle, format));
    }

    /** The longest a spike waited to be scheduled; a spike the run never resolved leaves nothing to divide. */
    private static Row worstWait(RunSummary ours, RunSummary baseline) {
        Duration oursWorst = worstWait(ours.spikes());
        Duration baselineWorst = worstWait(baseline.spikes());
        String ratio = oursWorst == null || baselineWorst == null ? NONE
                : ratio(oursWorst.toSeconds(), baselineWorst.toSeconds(), seconds -> Durations.format(Duration.ofSeconds((long) seconds)));
        return new Row("Longest wait until all scheduled", waitText(ours.spikes(), oursWorst), waitText(baseline.spikes(), baselineWorst),
                ratio, NONE);
    }

    /** A figure in time; {@code absent} stands for a null (nothing to measure), which leaves nothing to divide. */
    private static Row durations(String figure, Duration ours, Duration baseline, String absent) {
        String ratio = ours == null || baseline == null ? NONE
                : ratio(ours.toMillis() / 1000.0, baseline.toMillis() / 1000.0, seconds -> Durations.format(Duration.ofSeconds((long) seconds)));
        return new Row(figure, ours == null ? absent : Durations.format(ours), baseline == null ? absent : Durations.format(baseline),
                ratio, NONE);
    }

    /** The longest any single pod waited, over every spike; null when no pod waited. */
    private static Duration longestPodWait(RunSummary summary) {
        return summary.spikes().stream().map(Spike::longestPodWait).max(Duration::compareTo).orElse(null);
    }

    /** Null when a spike was never resolved; zero when there was no spike. */
    private static Duration worstWait(List<Spike> spikes) {
        Duration worst = Duration.ZERO;
        for (Spike spike : spikes) {
            if (spike.resolvedAfter() == null) {
                return null;
            }
            worst = spike.resolvedAfter().compareTo(worst) > 0 ? spike.resolvedAfter() : worst;
        }
        return worst;
    }

    private static String waitText(List<Spike> spikes, Duration worst) {
        if (spikes.isEmpty()) {
            return "no spike";
        }
        return worst == null ? "NOT RESOLVED" : Durations.format(worst);
    }

    private static Row costRatio(RunSummary ours, RunSummary baseline) {
        double oursRatio = ours.costRatio();
        double baselineRatio = baseline.costRatio();
        boolean defined = !Double.isNaN(oursRatio) && !Double.isNaN(baselineRatio);
        return new Row("Cost / oracle",
                Double.isNaN(oursRatio) ? "n/a" : number("%.2f", oursRatio),
                Double.isNaN(baselineRatio) ? "n/a" : number("%.2f", baselineRatio),
                defined ? ratio(oursRatio, baselineRatio, value -> number("%.2f", value)) : NONE,
                NONE);
    }

    /** Compared as shares of interruptions drained in time, since the two runs may have lost different numbers of workers. */
    private static Row spotDrains(RunSummary ours, RunSummary baseline) {
        String ratio = ours.spotDrains() == 0 || baseline.spotDrains() == 0 ? NONE
                : ratio((double) ours.spotDrainsWithinBudget() / ours.spotDrains(),
                        (double) baseline.spotDrainsWithinBudget() / baseline.spotDrains(), value -> number("%.0f%%", value * 100));
        return new Row("Spot drains within budget", drainsText(ours), drainsText(baseline), ratio, NONE);
    }

    private static String drainsText(RunSummary summary) {
        return summary.spotDrains() == 0 ? "no interruptions" : summary.spotDrainsWithinBudget() + "/" + summary.spotDrains();
    }

    private static String pad(String text, int width, boolean right) {
        String spaces = " ".repeat(Math.max(0, width - text.length()));
        return right ? spaces + text : text + spaces;
    }

    private static String number(String format, double value) {
        return String.format(Locale.ROOT, format, value);
    }
}
