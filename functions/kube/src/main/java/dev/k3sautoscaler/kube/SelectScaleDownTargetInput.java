package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.core.control.Trigger;
import dev.k3sautoscaler.core.model.FleetView;
import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.scaledown.Candidacy;
import dev.k3sautoscaler.core.scaledown.DrainPurpose;
import dev.k3sautoscaler.core.control.ControlRequest;
import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.runtime.Validatable;
import java.util.List;

/**
 * Input of SelectScaleDownTarget.
 *
 * @param nodeName optional: a manual "remove this node" request. Only that node is considered, and
 *                 every safety rule still applies (a forced request skips the metrics, not the safety).
 * @param request  optional: the actuation's validated input ({@code $.request}); its {@code nodeName}
 *                 (a force-scale-down) is used when {@code nodeName} is absent; a {@code rebalance}
 *                 request considers only its instance's Node, drained with purpose {@code rebalance}
 * @param fleet    what EC2 reports (ObserveFleet): only its managed workers are ours to remove; absent
 *                 or unobserved, no node is a candidate
 * @param state    the scaling state read under the lock: its blocked nodes are passed over
 * @param candidates optional: the workers the policy's decision removes ({@code $.decision.scaleDownNodes}),
 *                 empty ones first; each is checked and those whose pods fit are all taken. Absent or empty,
 *                 the one best node is chosen (a force-scale-down, a rebalance, a policy without per-node
 *                 verdicts)
 */
public record SelectScaleDownTargetInput(String execution, String nodeName, ControlRequest request, FleetView fleet,
                                         ScalingState state, List<String> candidates) implements Validatable {

    public SelectScaleDownTargetInput {
        candidates = candidates == null ? List.of() : List.copyOf(candidates);
    }

    public SelectScaleDownTargetInput(String execution, String nodeName) {
        this(execution, nodeName, null, null, null, List.of());
    }

    public SelectScaleDownTargetInput(String execution, String nodeName, ControlRequest request, FleetView fleet,
                                      ScalingState state) {
        this(execution, nodeName, request, fleet, state, List.of());
    }

    /** The instance a rebalance retirement removes, or null. */
    public String onlyInstance() {
        return request != null && request.is(Trigger.REBALANCE) ? request.instanceId() : null;
    }

    public DrainPurpose purpose() {
        return onlyInstance() != null ? DrainPurpose.REBALANCE : DrainPurpose.SCALE_DOWN;
    }

    /** Which nodes may be chosen: EC2's managed workers, minus the blocked ones, maybe only one. */
    public Candidacy candidacy(java.time.Instant now) {
        Candidacy owned = fleet == null || !fleet.observed()
                ? new Candidacy(null, null, null, fleet == null ? "no EC2 view was given" : fleet.unobservedReason(),
                        java.util.Map.of())
                : Candidacy.owned(java.util.Set.copyOf(fleet.billedInstanceIds()));
        java.util.Map<String, String> blocked = new java.util.HashMap<>();
        if (state != null) {
            state.blockedNodes().stream().filter(b -> b.isActive(now))
                    .forEach(b -> blocked.put(b.instanceId(), b.reason() + " (until " + b.until() + ")"));
        }
        return owned.onlyNode(onlyNode()).onlyInstance(onlyInstance()).blocked(blocked);
    }

    /** The only node to consider, or null to consider every managed worker. */
    public String onlyNode() {
        return nodeName != null ? nodeName : request == null ? null : request.nodeName();
    }

    @Override
    public List<String> validationProblems() {
        return InputCheck.start().required("execution", execution).problems();
    }
}
