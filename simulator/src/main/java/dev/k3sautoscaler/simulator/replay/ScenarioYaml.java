package dev.k3sautoscaler.simulator.replay;

import static dev.k3sautoscaler.core.words.Words.plural;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.k3sautoscaler.simulator.replay.ScenarioDraft.Usage;
import dev.k3sautoscaler.simulator.replay.ScenarioDraft.Workload;
import dev.k3sautoscaler.simulator.scenario.Durations;
import dev.k3sautoscaler.simulator.scenario.Scenario.Kind;
import dev.k3sautoscaler.simulator.scenario.Scenario.ReplicaStep;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes a derived scenario as the bundled scenarios are written, so an operator can read and edit
 * it: the same field order, one flow mapping per replica step, and a short comment where a value
 * was derived rather than observed. By hand, because a YAML generator writes no comments.
 */
final class ScenarioYaml {
    /** A plain YAML scalar that reads back as the same text: Kubernetes names are of this form. */
    private static final Pattern PLAIN = Pattern.compile("[a-z][-a-z0-9.]*");
    /** Words YAML reads as booleans or null rather than text. */
    private static final Set<String> RESERVED = Set.of("true", "false", "yes", "no", "on", "off", "null", "y", "n");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int COMMENT_COLUMN = 52;

    private ScenarioYaml() {
    }

    static String write(ScenarioDraft draft) {
        List<String> lines = new ArrayList<>();
        lines.add("# A cluster's Prometheus history as a scenario (the description says which). Workloads are its");
        lines.add("# Deployments, StatefulSets and DaemonSets; replicas count their pods Running or Pending, written");
        lines.add("# where the count changed. Edit freely: the simulator checks every field when it loads the file.");
        lines.add("name: " + scalar(draft.name()));
        lines.add("description: " + quoted(draft.description()));
        lines.add("duration: " + Durations.format(draft.duration()));
        lines.add("seed: " + draft.seed());
        lines.add("region: " + scalar(draft.region()));
        lines.add("cluster:");
        lines.add(commented("  workers: " + draft.workers(), "Ready at the start"));
        lines.add("  zones: [" + String.join(", ", draft.zones().stream().map(ScenarioYaml::scalar).toList()) + "]");
        lines.add("workerType:");
        lines.add("  # the allocatable of " + draft.workerTypeShare() + " of the " + draft.workersSeen()
                + " workers seen; the price as given");
        lines.add("  name: " + scalar(draft.workerType().name()));
        lines.add("  cpuMillis: " + draft.workerType().cpuMillis());
        lines.add("  memoryMiB: " + draft.workerType().memoryMiB());
        lines.add("  hourlyPriceUsd: " + number(draft.workerType().hourlyPriceUsd()));
        lines.add("workload:");
        draft.workloads().forEach(workload -> workload(workload, lines));
        return String.join("\n", lines) + "\n";
    }

    private static void workload(Workload workload, List<String> lines) {
        lines.add("  - name: " + scalar(workload.name()));
        lines.add("    namespace: " + scalar(workload.namespace()));
        lines.add("    kind: " + workload.kind().label());
        if (workload.kind() != Kind.DAEMON_SET) {
            lines.add("    replicas:");
            for (ReplicaStep step : workload.replicas()) {
                lines.add("      - {at: " + Durations.format(step.at()) + ", count: " + step.count() + "}");
            }
        }
        lines.add(commented("    requests: {cpuMillis: " + workload.cpuMillis() + ", memoryMiB: " + workload.memoryMiB() + "}",
                workload.podsMeasured() == 0 ? "its pods request nothing" : "median of " + plural(workload.podsMeasured(), "pod")));
        Usage usage = workload.usage();
        if (usage == null) {
            lines.add("    # usage: no cAdvisor samples of its pods, so the simulator's defaults apply");
            return;
        }
        List<String> fields = new ArrayList<>();
        if (usage.cpu() != null) {
            fields.add("cpu: " + number(usage.cpu()));
        }
        if (usage.memory() != null) {
            fields.add("memory: " + number(usage.memory()));
        }
        if (usage.jitter() > 0) {
            fields.add("jitter: " + number(usage.jitter()));
        }
        lines.add(commented("    usage: {" + String.join(", ", fields) + "}",
                "mean of used / requested" + (usage.jitter() > 0 ? "; jitter: its spread" : "")));
    }

    private static String commented(String line, String comment) {
        String padded = line.length() < COMMENT_COLUMN ? line + " ".repeat(COMMENT_COLUMN - line.length()) : line + "  ";
        return padded + "# " + comment;
    }

    /** Kubernetes names as they are; anything YAML might read otherwise in double quotes. */
    static String scalar(String text) {
        return PLAIN.matcher(text).matches() && !RESERVED.contains(text.toLowerCase(Locale.ROOT)) ? text : quoted(text);
    }

    /** A JSON string is a YAML double-quoted scalar. */
    private static String quoted(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The shortest decimal that reads back as the value: 0.0208, 0.5, 1. */
    private static String number(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
