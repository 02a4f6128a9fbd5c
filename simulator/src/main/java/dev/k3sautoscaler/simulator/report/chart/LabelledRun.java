package dev.k3sautoscaler.simulator.report.chart;

import dev.k3sautoscaler.simulator.report.RunTimeline;
import java.util.Objects;

/**
 * One run on a chart, named by its policy ({@code default}, {@code seed-baseline}) in the legend; or,
 * {@code observed}, what a real cluster did (a replay's history: its Ready workers and waiting pods only).
 */
public record LabelledRun(String label, RunTimeline timeline, boolean observed) {
    public LabelledRun(String label, RunTimeline timeline) {
        this(label, timeline, false);
    }

    public LabelledRun {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(timeline, "timeline");
        if (label.isBlank()) {
            throw new IllegalArgumentException("a run's label names it in the legend: must not be blank");
        }
    }
}
