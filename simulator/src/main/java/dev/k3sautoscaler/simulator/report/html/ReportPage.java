package dev.k3sautoscaler.simulator.report.html;

import dev.k3sautoscaler.simulator.report.ComparisonTable;
import dev.k3sautoscaler.simulator.report.chart.RunChart;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the run's HTML page shows. Every text is shown as text: {@link HtmlReport} escapes it.
 *
 * @param scenarioName        e.g. {@code flash-sale (3h, seed 14)}
 * @param scenarioDescription the scenario's description ({@code ""} when it has none)
 * @param summaryText         the plain-text summary (SummaryTable output, one per policy), shown pre-formatted
 * @param comparison          the side-by-side table when two policies ran, else null
 * @param charts              the figures, each also written next to the page as PNG and SVG
 * @param executions          the execution histories the run wrote under the output directory
 */
public record ReportPage(
        String scenarioName,
        String scenarioDescription,
        String summaryText,
        ComparisonTable comparison,
        List<Chart> charts,
        List<ExecutionLink> executions) {

    /** A file name without extension: safe on every file system and in a URL without escaping. */
    private static final Pattern FILE_STEM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    /** A path under the output directory: relative, forward slashes, no {@code ..}, no scheme. */
    private static final Pattern RELATIVE_PATH = Pattern.compile("(?!/)(?![A-Za-z][A-Za-z0-9+.-]*:)[^\\\\]+");

    public ReportPage {
        Objects.requireNonNull(scenarioName, "scenarioName");
        scenarioDescription = scenarioDescription == null ? "" : scenarioDescription;
        Objects.requireNonNull(summaryText, "summaryText");
        charts = List.copyOf(charts);
        executions = List.copyOf(executions);
        Set<String> stems = new HashSet<>();
        for (Chart chart : charts) {
            if (!stems.add(chart.fileStem())) {
                throw new IllegalArgumentException("two charts would be written to " + chart.fileStem() + ".png");
            }
        }
    }

    /**
     * A figure: embedded in the page as a PNG data URI and written beside it as {@code <fileStem>.png}
     * and {@code <fileStem>.svg}.
     */
    public record Chart(String caption, RunChart chart, String fileStem) {
        public Chart {
            Objects.requireNonNull(caption, "caption");
            Objects.requireNonNull(chart, "chart");
            if (fileStem == null || !FILE_STEM.matcher(fileStem).matches()) {
                throw new IllegalArgumentException("chart file stem must be letters, digits, '.', '_' or '-' (was " + fileStem + ")");
            }
        }
    }

    /**
     * A link to one execution's history.
     *
     * @param name         the execution's name, shown as the link text
     * @param relativePath where its JSON lies under the output directory, e.g. {@code executions/tick-0001.json}
     * @param status       e.g. {@code SUCCEEDED}, {@code FAILED}
     * @param description  one line: what the execution did
     */
    public record ExecutionLink(String name, String relativePath, String status, String description) {
        public ExecutionLink {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(status, "status");
            description = description == null ? "" : description;
            if (relativePath == null || !RELATIVE_PATH.matcher(relativePath).matches()
                    || List.of(relativePath.split("/")).stream().anyMatch(segment -> segment.isEmpty() || segment.equals(".."))) {
                throw new IllegalArgumentException("an execution history must be linked by a relative path under the output directory"
                        + " (was " + relativePath + ")");
            }
        }
    }
}
