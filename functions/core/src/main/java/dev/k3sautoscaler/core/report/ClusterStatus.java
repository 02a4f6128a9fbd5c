package dev.k3sautoscaler.core.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The content of the status ConfigMap {@code kube-system/k3s-autoscaler-status}: what the autoscaler
 * last decided and why, the workers, each worker's scale-down status, the lock, a pause, the last
 * failure. {@link #yaml()} is its one rendering (format in docs/runbook.md).
 *
 * @param time       when the tick that wrote it observed the cluster
 * @param execution  that tick's execution name
 * @param decision   what it decided
 * @param lastFailure null when the last actuation did not fail
 */
public record ClusterStatus(String cluster, Instant time, String execution, Health health, String healthReason,
                            DecisionLine decision, Workers workers, int unschedulablePods,
                            List<String> podsTooLargeForWorker, Lock lock, Pause pause, LastFailure lastFailure,
                            List<NodeNotice> nodes) {

    public ClusterStatus {
        podsTooLargeForWorker = List.copyOf(podsTooLargeForWorker);
        nodes = List.copyOf(nodes);
    }

    public ClusterStatus withNodes(List<NodeNotice> workersStatus) {
        return new ClusterStatus(cluster, time, execution, health, healthReason, decision, workers, unschedulablePods,
                podsTooLargeForWorker, lock, pause, lastFailure, workersStatus);
    }

    public enum Health {
        HEALTHY("Healthy"), PAUSED("Paused"), BACKING_OFF("BackingOff"), METRICS_UNAVAILABLE("MetricsUnavailable");

        private final String word;

        Health(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    /**
     * @param actuation            the actuation the tick starts (null for NOOP)
     * @param costChangeUsdPerHour what the action adds (positive) or saves (negative) per hour
     */
    public record DecisionLine(String action, int count, String reasonCode, String reason, String actuation,
                               double costChangeUsdPerHour) {
    }

    /**
     * @param ready    Ready worker Nodes
     * @param notReady worker Nodes that are not Ready
     * @param joining  launches not yet Ready
     * @param counted  what MAX_WORKERS counts (Nodes plus launches in flight)
     * @param target   the workers after the decision
     */
    public record Workers(int ready, int notReady, int joining, int counted, int target, int min, int max,
                          double costUsdPerHour) {
    }

    public record Lock(boolean held, String holder, Instant expiresAt) {
        public static final Lock FREE = new Lock(false, null, null);
    }

    public record Pause(boolean paused, String reason) {
    }

    /** @param action the direction that failed ({@code SCALE_UP}, {@code SCALE_DOWN}) or null when unknown */
    public record LastFailure(Instant at, int consecutiveFailures, String action, Instant backoffUntil) {
    }

    /**
     * The facts whose change is news: not the time, nor the numbers that move every tick (usage,
     * requests); their words are refreshed with the report anyway.
     */
    String digestFacts() {
        StringBuilder facts = new StringBuilder()
                .append(health).append('|').append(decision.action()).append(decision.count())
                .append(decision.reasonCode()).append('|').append(workers.ready()).append('/').append(workers.notReady())
                .append('/').append(workers.joining()).append('/').append(workers.target()).append('|')
                .append(unschedulablePods).append(podsTooLargeForWorker).append('|')
                .append(lock.held()).append(lock.holder()).append('|').append(pause.paused()).append(pause.reason())
                .append('|');
        if (lastFailure != null) {
            facts.append(lastFailure.at()).append(lastFailure.consecutiveFailures());
        }
        nodes.forEach(node -> facts.append('|').append(node.node()).append('=').append(node.code()));
        return facts.toString();
    }

    /** The ConfigMap's {@code status} key: YAML a person reads and a script parses. */
    public String yaml() {
        List<String> lines = new ArrayList<>();
        lines.add("cluster: " + quote(cluster));
        lines.add("time: " + quote(time.toString()));
        lines.add("execution: " + quote(execution));
        lines.add("health: " + health.word());
        lines.add("healthReason: " + quote(healthReason));
        lines.add("decision:");
        lines.add("  action: " + decision.action());
        lines.add("  count: " + decision.count());
        lines.add("  reasonCode: " + decision.reasonCode());
        lines.add("  reason: " + quote(decision.reason()));
        lines.add("  actuation: " + quote(decision.actuation()));
        lines.add("  costChangeUsdPerHour: " + money(decision.costChangeUsdPerHour()));
        lines.add("workers:");
        lines.add("  ready: " + workers.ready());
        lines.add("  notReady: " + workers.notReady());
        lines.add("  joining: " + workers.joining());
        lines.add("  counted: " + workers.counted());
        lines.add("  target: " + workers.target());
        lines.add("  min: " + workers.min());
        lines.add("  max: " + workers.max());
        lines.add("  costUsdPerHour: " + money(workers.costUsdPerHour()));
        lines.add("unschedulablePods: " + unschedulablePods);
        lines.add("podsTooLargeForWorker: [" + String.join(", ", podsTooLargeForWorker.stream().map(ClusterStatus::quote).toList()) + "]");
        lines.add("lock:");
        lines.add("  held: " + lock.held());
        lines.add("  holder: " + quote(lock.holder()));
        lines.add("  expiresAt: " + quote(lock.expiresAt() == null ? null : lock.expiresAt().toString()));
        lines.add("paused: " + pause.paused());
        lines.add("pausedReason: " + quote(pause.reason()));
        if (lastFailure == null) {
            lines.add("lastFailure: null");
        } else {
            lines.add("lastFailure:");
            lines.add("  at: " + quote(lastFailure.at() == null ? null : lastFailure.at().toString()));
            lines.add("  consecutiveFailures: " + lastFailure.consecutiveFailures());
            lines.add("  action: " + quote(lastFailure.action()));
            lines.add("  backoffUntil: " + quote(lastFailure.backoffUntil() == null ? null : lastFailure.backoffUntil().toString()));
        }
        if (nodes.isEmpty()) {
            lines.add("nodes: []");
        } else {
            lines.add("nodes:");
            for (NodeNotice node : nodes) {
                lines.add("  - name: " + quote(node.node()));
                lines.add("    scaleDown: " + node.code());
                lines.add("    reason: " + quote(node.reason()));
            }
        }
        return String.join("\n", lines) + "\n";
    }

    private static String money(double usd) {
        return String.format(Locale.ROOT, "%.4f", usd);
    }

    /** A YAML double-quoted scalar (JSON's escapes are valid there), or null. */
    static String quote(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
