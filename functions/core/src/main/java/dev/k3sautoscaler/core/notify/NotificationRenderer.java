package dev.k3sautoscaler.core.notify;

import dev.k3sautoscaler.core.control.ControlRequest;
import dev.k3sautoscaler.core.control.Trigger;
import dev.k3sautoscaler.core.state.Outcome;
import dev.k3sautoscaler.core.state.OutcomeResult;
import dev.k3sautoscaler.core.state.OutcomeRules;
import dev.k3sautoscaler.core.words.Words;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a recorded outcome into the notice an operator reads in Slack or e-mail
 * (docs/notifications.md). Pure, so every text is pinned by a unit test.
 */
public final class NotificationRenderer {
    /** SNS rejects a Publish with more message attributes than this. */
    static final int MAX_ATTRIBUTES = 10;
    /** SNS rejects a Subject of 100 characters or more. */
    static final int MAX_SUBJECT = 99;

    private NotificationRenderer() {
    }

    public static Notification render(NotificationFacts facts) {
        Outcome outcome = facts.outcome();
        ControlRequest request = facts.request();
        String event;
        String headline;
        boolean publish = true;
        if (outcome.result() == OutcomeResult.FAILED) {
            event = "failure";
            headline = "Scaling failed (" + label(outcome) + ")" + error(outcome) + ": " + outcome.reason();
        } else {
            switch (outcome.action()) {
                case JOIN_CHECK -> {
                    if (outcome.result() == OutcomeResult.SUCCEEDED) {
                        event = facts.atMaxCapacity() ? "at-max-capacity" : "scale-up";
                        headline = "Added " + workers(outcome.count()) + after(facts) + because(facts)
                                + (facts.atMaxCapacity() ? "; at MAX_WORKERS" : "");
                    } else {
                        event = "join-timeout";
                        headline = "Scale-up incomplete: " + workers(outcome.count()) + " not Ready by JOIN_TIMEOUT_SEC ("
                                + ids(outcome) + "), terminated by the next reconcile: " + outcome.reason();
                    }
                }
                case SCALE_DOWN -> {
                    if (outcome.result() == OutcomeResult.ABORTED) {
                        event = "drain-aborted";
                        headline = "Scale-down aborted, " + ids(outcome) + " uncordoned and passed over for "
                                + OutcomeRules.BLOCKED_NODE_MEMORY.toMinutes() + " min: " + outcome.reason();
                    } else if (outcome.result() == OutcomeResult.PREEMPTED) {
                        // The Spot drain that took the node over sends its own notice.
                        publish = false;
                        event = "drain-preempted";
                        headline = "Scale-down of " + ids(outcome) + " " + outcome.reason();
                    } else {
                        event = "scale-down";
                        headline = "Removed " + workers(outcome.count()) + " (" + ids(outcome) + ")" + after(facts)
                                + because(facts);
                    }
                }
                case SPOT_DRAIN -> {
                    event = "spot-drain";
                    String kind = request != null && request.is(Trigger.REBALANCE)
                            ? "Rebalance recommendation" : "Spot interruption";
                    // How the drain ended is the drain's own line (empty, or its deadline reached with pods left):
                    // the notice repeats it rather than claiming the node was drained.
                    headline = kind + " on " + ids(outcome) + ": " + outcome.reason()
                            + "; its Node deleted; the next tick replaces the capacity";
                }
                case PAUSE -> {
                    event = "paused";
                    String why = request != null && request.reason() != null ? request.reason() : outcome.reason();
                    headline = "Autoscaling paused" + by(request) + ": " + why + "; every tick does nothing until resume";
                }
                case RESUME -> {
                    event = "resumed";
                    headline = "Autoscaling resumed" + by(request) + "; the failure backoff starts over";
                }
                case LOCK_BROKEN -> {
                    event = "lock-broken";
                    headline = "Scaling lock broken" + by(request) + ": " + outcome.reason();
                }
                case NOOP -> {
                    boolean manual = request != null && Trigger.fromValue(request.trigger()).map(Trigger::manual).orElse(false);
                    // A refused control says what was asked; ManualDecisions' reasons already start with it.
                    String refused = manual && !outcome.reason().startsWith(request.summary())
                            ? request.summary() + " not done: " + outcome.reason() : outcome.reason();
                    if (facts.atMaxCapacity()) {
                        event = "at-max-capacity";
                        headline = "At maximum capacity: " + refused;
                    } else if (manual) {
                        event = "control-refused";
                        headline = refused;
                    } else {
                        event = "no-action";
                        headline = "No action: " + outcome.reason();
                        publish = false;
                    }
                }
                case RECONCILE -> {
                    // Adoptions and cleared launches are bookkeeping (count 0); a terminated instance or deleted Node is news.
                    event = "reconciled";
                    headline = "Reconciled: " + outcome.reason();
                    publish = outcome.count() > 0;
                }
                case LEASE_LOST -> {
                    event = "lease-lost";
                    headline = "Stopped without acting: " + outcome.reason();
                }
                default -> {
                    // SCALE_UP (the remaining action): recorded right after the launch; the join check that follows notifies.
                    event = "launch";
                    headline = "Launched " + workers(outcome.count()) + ": " + outcome.reason();
                    publish = false;
                }
            }
        }
        // An operator's pause, resume or break-lock is instant: a duration would be noise.
        boolean instant = switch (outcome.action()) {
            case PAUSE, RESUME, LOCK_BROKEN -> true;
            default -> false;
        };
        String text = headline + (instant ? "" : took(facts.duration()));
        return new Notification(publish, event, subject(facts.clusterId(), text), text,
                attributes(facts, event), numbers(facts));
    }

    private static String label(Outcome outcome) {
        return outcome.action().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    private static String error(Outcome outcome) {
        if (outcome.error() == null) {
            return "";
        }
        String name = outcome.error();
        return " with " + name.substring(name.lastIndexOf('.') + 1);
    }

    private static String workers(int count) {
        return Words.plural(count, "worker");
    }

    private static String after(NotificationFacts facts) {
        return facts.workersAfter() == null ? "" : " → " + workers(facts.workersAfter());
    }

    /** The decision's reason without its "scale-up +3: " prefix, which the headline already says. */
    private static String because(NotificationFacts facts) {
        if (facts.decisionReason() == null || facts.decisionReason().isBlank()) {
            return "";
        }
        String reason = facts.decisionReason();
        int colon = reason.indexOf(": ");
        if (reason.startsWith("scale-") && colon > 0) {
            reason = reason.substring(colon + 2);
        }
        return " (" + reason + ")";
    }

    private static String ids(Outcome outcome) {
        return outcome.instanceIds().isEmpty() ? "no instance named" : String.join(", ", outcome.instanceIds());
    }

    private static String by(ControlRequest request) {
        return request == null || request.requestedBy() == null ? "" : " by " + request.requestedBy();
    }

    private static String took(Duration duration) {
        if (duration == null || duration.isNegative()) {
            return "";
        }
        long seconds = duration.toSeconds();
        return seconds < 60 ? " — " + seconds + " s" : " — " + seconds / 60 + " min " + seconds % 60 + " s";
    }

    /** SNS Subject: ASCII without control characters, under 100 characters. */
    static String subject(String clusterId, String text) {
        String ascii = ("[" + clusterId + "] " + text).replace("→", "->").replace("—", "-")
                .replaceAll("[^\\x20-\\x7E]", "?");
        return ascii.length() <= MAX_SUBJECT ? ascii : ascii.substring(0, MAX_SUBJECT - 3) + "...";
    }

    private static Map<String, String> attributes(NotificationFacts facts, String event) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("event", event);
        attributes.put("cluster", facts.clusterId());
        attributes.put("outcome", facts.outcome().result().name());
        if (facts.execution() != null) {
            attributes.put("execution", facts.execution());
        }
        if (facts.request() != null) {
            attributes.put("trigger", facts.request().trigger());
            if (facts.request().requestedBy() != null) {
                attributes.put("requestedBy", facts.request().requestedBy());
            }
        }
        if (facts.outcome().error() != null) {
            attributes.put("error", facts.outcome().error());
        }
        return attributes;
    }

    private static Map<String, Long> numbers(NotificationFacts facts) {
        Map<String, Long> numbers = new LinkedHashMap<>();
        numbers.put("count", (long) facts.outcome().count());
        if (facts.workersBefore() != null) {
            numbers.put("workersBefore", (long) facts.workersBefore());
        }
        if (facts.workersAfter() != null) {
            numbers.put("workersAfter", (long) facts.workersAfter());
        }
        return numbers;
    }
}
