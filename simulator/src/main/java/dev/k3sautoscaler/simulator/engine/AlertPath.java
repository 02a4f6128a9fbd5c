package dev.k3sautoscaler.simulator.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.simulator.virtual.MonitoringTimings;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One alert of the fast path as cluster-bootstrap and the CDK stack deploy it, with its delays:
 * Prometheus evaluates the alerting rule on the scraped series at its evaluation interval (an alert
 * per unschedulable pod, or the one headroom alert, after the rule's {@code for}); Alertmanager holds
 * the alert's group for {@code group_wait}, then notifies at most every {@code group_interval} when
 * alerts not yet notified fire (or after {@code repeat_interval}); the notice goes SNS → the fast
 * path's function, which starts a tick {@link Timings#delivery()} later (the tick itself then waits
 * PENDING_UP_SEC, so it counts the pods). The timings are read from the deployed files.
 */
final class AlertPath {
    static final String RULES = "monitoring/autoscaler-rules.yml";
    static final String ALERTMANAGER = "monitoring/alertmanager.yml";
    static final String GROUP = "k3s-autoscaler.fast-path";
    static final String PODS_ALERT = "K3sAutoscalerPodsUnschedulable";
    static final String HEADROOM_ALERT = "K3sAutoscalerHeadroomShort";
    static final String RECEIVER = "k3s-autoscaler-tick";
    /**
     * Alertmanager → SNS → the function (mostly a SnapStart restore: alerts are rare) → StartExecution.
     * Each hop is sub-second when healthy; two seconds is the whole path with margin, not a measurement.
     */
    static final Duration DELIVERY = Duration.ofSeconds(2);

    /**
     * @param evaluationInterval how often the rule is evaluated
     * @param forDuration        how long a series must match before its alert fires
     * @param groupWait          a new group's first notice waits this long for more alerts
     * @param groupInterval      later notices of the group at most this often
     * @param repeatInterval     the same alerts are notified again after this long
     * @param delivery           from the notice to the tick's start
     */
    record Timings(Duration evaluationInterval, Duration forDuration, Duration groupWait, Duration groupInterval,
            Duration repeatInterval, Duration delivery) {

        /** As deployed: the rule group's interval (else Prometheus' global one) and the route of the tick's receiver. */
        static Timings deployed(MonitoringTimings monitoring, String alert) {
            JsonNode group = find(MonitoringTimings.yaml(RULES).path("groups"), "name", GROUP, RULES);
            JsonNode rule = find(group.path("rules"), "alert", alert, RULES + " group " + GROUP);
            Duration evaluation = group.has("interval") ? MonitoringTimings.duration(group, "interval") : monitoring.evaluationInterval();
            Duration forDuration = rule.has("for") ? MonitoringTimings.duration(rule, "for") : Duration.ZERO;
            JsonNode route = MonitoringTimings.yaml(ALERTMANAGER).path("route");
            JsonNode tickRoute = find(route.path("routes"), "receiver", RECEIVER, ALERTMANAGER + " route");
            return new Timings(evaluation, forDuration, timing(tickRoute, route, "group_wait"),
                    timing(tickRoute, route, "group_interval"), timing(tickRoute, route, "repeat_interval"), DELIVERY);
        }

        /** A child route inherits what it does not set from the root route. */
        private static Duration timing(JsonNode child, JsonNode root, String field) {
            return MonitoringTimings.duration(child.has(field) ? child : root, field);
        }

        private static JsonNode find(JsonNode list, String field, String value, String where) {
            for (JsonNode item : list) {
                if (value.equals(item.path(field).asText())) {
                    return item;
                }
            }
            throw new IllegalStateException(where + " has no entry with " + field + " " + value);
        }
    }

    private final Timings timings;
    /** Series matching the rule's expression, since when (the {@code for} clock). */
    private final Map<String, Duration> matching = new HashMap<>();
    /** Alerts Alertmanager holds as firing. */
    private final Set<String> firing = new HashSet<>();
    /** Firing alerts the last notice carried. */
    private final Set<String> notified = new HashSet<>();
    private Duration nextEvaluation;
    private Duration nextFlush;
    private Duration lastNotice;

    AlertPath(Timings timings, Duration firstEvaluation) {
        this.timings = timings;
        this.nextEvaluation = firstEvaluation;
    }

    /** The next instant the path does something by itself: an evaluation or a flush of the group. */
    Duration nextInstant() {
        return nextFlush == null || nextEvaluation.compareTo(nextFlush) <= 0 ? nextEvaluation : nextFlush;
    }

    /**
     * Plays what is due at {@code now}: a rule evaluation on the series the rule's expression finds
     * in the last scrape (pods unschedulable, or the one headroom series), then a flush of the group.
     * Returns when the tick the notice starts begins, if a notice was sent now.
     */
    Optional<Duration> advance(Duration now, Set<String> matchingInLastScrape) {
        if (now.equals(nextEvaluation)) {
            evaluate(now, matchingInLastScrape);
            nextEvaluation = nextEvaluation.plus(timings.evaluationInterval());
        }
        if (nextFlush == null || !now.equals(nextFlush)) {
            return Optional.empty();
        }
        nextFlush = now.plus(timings.groupInterval());
        boolean news = !notified.containsAll(firing);
        boolean repeat = lastNotice != null && now.minus(lastNotice).compareTo(timings.repeatInterval()) >= 0;
        if (firing.isEmpty() || !(news || repeat)) {
            return Optional.empty();
        }
        notified.addAll(firing);
        lastNotice = now;
        return Optional.of(now.plus(timings.delivery()));
    }

    private void evaluate(Duration now, Set<String> matchingNow) {
        matching.keySet().retainAll(matchingNow);
        matchingNow.forEach(series -> matching.putIfAbsent(series, now));
        firing.clear();
        matching.forEach((series, since) -> {
            if (now.minus(since).compareTo(timings.forDuration()) >= 0) {
                firing.add(series);
            }
        });
        notified.retainAll(firing);
        if (firing.isEmpty()) {
            // Every alert resolved: Alertmanager drops the group; the next alert starts a new one.
            nextFlush = null;
            lastNotice = null;
        } else if (nextFlush == null) {
            nextFlush = now.plus(timings.groupWait());
        }
    }
}
