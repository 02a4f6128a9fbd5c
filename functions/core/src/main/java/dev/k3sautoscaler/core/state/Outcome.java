package dev.k3sautoscaler.core.state;

import dev.k3sautoscaler.core.model.BlockedNode;
import dev.k3sautoscaler.core.model.PendingLaunch;
import dev.k3sautoscaler.core.model.ReportMark;
import dev.k3sautoscaler.core.model.UnneededNode;
import dev.k3sautoscaler.core.model.UnavailableOffering;
import java.util.ArrayList;
import java.util.List;

/**
 * What one step of an execution did, to be applied to the cluster's {@link dev.k3sautoscaler.core.model.ScalingState}
 * and written to the event log.
 *
 * @param action                  what was attempted
 * @param result                  how it ended
 * @param count                   instances launched / terminated / drained; absent means 0
 * @param instanceIds             the instances concerned, for the event log
 * @param reason                  one line for the operator: what happened and why
 * @param error                   the error name when an error ended the step (the ASL Catch's {@code Error}), else null
 * @param addPendingLaunches      instances just launched that are not Ready yet (capacity in flight)
 * @param clearPendingLaunches    instance ids no longer in flight: joined, terminated, or never joined
 * @param addUnavailableOfferings offerings that reported insufficient capacity, skipped until their {@code until}
 * @param unneededNodes           UNNEEDED only: the per-node scale-down timers as the tick now sees them
 * @param addBlockedNodes         workers to pass over until their {@code until} (e.g. whose pods had no place to go)
 * @param removals                SCALE_DOWN of several workers side by side: each one's ending. The result, the
 *                                count, the instances and the end of the reason are derived from them
 * @param reported                UNNEEDED only, optional: what the tick just told the cluster
 */
public record Outcome(
        OutcomeAction action,
        OutcomeResult result,
        Integer count,
        List<String> instanceIds,
        String reason,
        String error,
        List<PendingLaunch> addPendingLaunches,
        List<String> clearPendingLaunches,
        List<UnavailableOffering> addUnavailableOfferings,
        List<UnneededNode> unneededNodes,
        List<BlockedNode> addBlockedNodes,
        List<NodeRemoval> removals,
        ReportMark reported) {

    public Outcome {
        unneededNodes = copy(unneededNodes);
        addBlockedNodes = copy(addBlockedNodes);
        removals = copy(removals);
        count = count == null ? 0 : count;
        instanceIds = copy(instanceIds);
        addPendingLaunches = copy(addPendingLaunches);
        clearPendingLaunches = copy(clearPendingLaunches);
        addUnavailableOfferings = copy(addUnavailableOfferings);
        // Derived only from well-formed elements; a malformed one is named by problems(), never a crash here.
        if (!removals.isEmpty() && removals.stream().allMatch(NodeRemoval::complete)) {
            result = result != null ? result : NodeRemoval.resultOf(removals);
            count = NodeRemoval.removedCount(removals);
            instanceIds = instanceIds.isEmpty() ? removals.stream().map(NodeRemoval::instanceId).toList() : instanceIds;
            reason = reason == null ? null : reason + NodeRemoval.notRemoved(removals);
            error = error != null ? error : removals.stream().filter(NodeRemoval::failed).map(NodeRemoval::error)
                    .filter(java.util.Objects::nonNull).findFirst().orElse(null);
        }
    }

    public Outcome(OutcomeAction action, OutcomeResult result, Integer count, List<String> instanceIds, String reason,
                   String error, List<PendingLaunch> addPendingLaunches, List<String> clearPendingLaunches,
                   List<UnavailableOffering> addUnavailableOfferings) {
        this(action, result, count, instanceIds, reason, error, addPendingLaunches, clearPendingLaunches,
                addUnavailableOfferings, List.of(), List.of(), List.of(), null);
    }

    public Outcome(OutcomeAction action, OutcomeResult result, Integer count, List<String> instanceIds, String reason,
                   String error, List<PendingLaunch> addPendingLaunches, List<String> clearPendingLaunches,
                   List<UnavailableOffering> addUnavailableOfferings, List<UnneededNode> unneededNodes,
                   List<BlockedNode> addBlockedNodes, List<NodeRemoval> removals) {
        this(action, result, count, instanceIds, reason, error, addPendingLaunches, clearPendingLaunches,
                addUnavailableOfferings, unneededNodes, addBlockedNodes, removals, null);
    }

    /** The first worker whose removal an error ended, if any: the actuation then ends with its error. */
    public java.util.Optional<NodeRemoval> firstFailedRemoval() {
        return removals.stream().filter(NodeRemoval::failed).findFirst();
    }

    /** The tick's new per-node timers. */
    public static Outcome unneeded(List<UnneededNode> timers, String reason) {
        return new Outcome(OutcomeAction.UNNEEDED, OutcomeResult.SUCCEEDED, 0, List.of(), reason, null, List.of(),
                List.of(), List.of(), timers, List.of(), List.of());
    }

    /** A plain outcome without state side-lists (NOOP, SCALE_DOWN, PAUSE...). */
    public static Outcome of(OutcomeAction action, OutcomeResult result, int count, String reason) {
        return new Outcome(action, result, count, List.of(), reason, null, List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of());
    }

    /** Every problem at once, so a bad Record input names all of them; empty when valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (action == null) {
            problems.add("outcome.action is required (one of " + List.of(OutcomeAction.values()) + ")");
        }
        if (result == null) {
            problems.add("outcome.result is required (one of " + List.of(OutcomeResult.values()) + ")");
        }
        if (count < 0) {
            problems.add("outcome.count cannot be negative");
        }
        if (reason == null || reason.isBlank()) {
            problems.add("outcome.reason is required");
        }
        for (int i = 0; i < instanceIds.size(); i++) {
            if (blank(instanceIds.get(i))) {
                problems.add("outcome.instanceIds[" + i + "] is blank");
            }
        }
        for (int i = 0; i < addPendingLaunches.size(); i++) {
            PendingLaunch launch = addPendingLaunches.get(i);
            if (launch == null || blank(launch.instanceId()) || launch.launchedAt() == null) {
                problems.add("outcome.addPendingLaunches[" + i + "] needs instanceId and launchedAt");
            }
        }
        for (int i = 0; i < clearPendingLaunches.size(); i++) {
            if (blank(clearPendingLaunches.get(i))) {
                problems.add("outcome.clearPendingLaunches[" + i + "] is blank");
            }
        }
        for (int i = 0; i < addUnavailableOfferings.size(); i++) {
            UnavailableOffering offering = addUnavailableOfferings.get(i);
            if (offering == null || blank(offering.instanceType()) || blank(offering.availabilityZone())
                    || offering.until() == null) {
                problems.add("outcome.addUnavailableOfferings[" + i + "] needs instanceType, availabilityZone and until");
            }
        }
        for (int i = 0; i < addBlockedNodes.size(); i++) {
            BlockedNode node = addBlockedNodes.get(i);
            if (node == null || blank(node.instanceId()) || blank(node.reason()) || node.until() == null) {
                problems.add("outcome.addBlockedNodes[" + i + "] needs instanceId, reason and until");
            }
        }
        for (int i = 0; i < removals.size(); i++) {
            if (!NodeRemoval.complete(removals.get(i))) {
                problems.add("outcome.removals[" + i + "] needs node, instanceId and result");
            }
        }
        if (!removals.isEmpty() && action != OutcomeAction.SCALE_DOWN) {
            problems.add("outcome.removals belong to SCALE_DOWN only");
        }
        if (action == OutcomeAction.UNNEEDED && unneededNodes.contains(null)) {
            problems.add("outcome.unneededNodes has an empty entry");
        }
        return problems;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static <T> List<T> copy(List<T> list) {
        // Not List.copyOf: a null element must reach problems() as a named problem, not an NPE here.
        return list == null ? List.of() : java.util.Collections.unmodifiableList(new ArrayList<>(list));
    }
}
