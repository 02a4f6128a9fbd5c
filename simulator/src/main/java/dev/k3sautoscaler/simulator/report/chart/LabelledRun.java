package dev.k3sautoscaler.simulator.report.chart;

import dev.k3sautoscaler.simulator.report.RunTimeline;
import java.util.Objects;

/** One run on a chart, named by its policy ({@code default}, {@code seed-baseline}) in the legend. */
public record LabelledRun(String label, RunTimeline timeline) {
    public LabelledRun {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(timeline, "timeline");
        if (label.isBlank()) {
            throw new IllegalArgumentException("a run's label names it in the legend: must not be blank");
        }
    }
}
