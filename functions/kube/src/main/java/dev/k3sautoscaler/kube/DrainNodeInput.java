package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.core.scaledown.DrainPurpose;
import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.state.Lease;
import dev.k3sautoscaler.runtime.Validatable;
import java.time.Instant;
import java.util.List;

/**
 * Input of DrainNode.
 *
 * @param startedAt    when the workflow began draining this node (optional); with it the output says
 *                     whether DRAIN_TIMEOUT_SEC (SPOT_DRAIN_BUDGET_SEC when interrupted) has passed
 * @param interruption true on the Spot-interruption path: the instance is gone in two minutes
 *                     whatever we do, so pods that would block a voluntary scale-down are evicted
 *                     too (PodDisruptionBudgets are still honoured by the API server). Default false.
 * @param lease        the scaling lease on the scale-down path: checked and extended before each pass's
 *                     evictions; absent on the Spot interruption path, which runs without the lock
 * @param purpose      whose drain this is ({@code scale-down}, {@code rebalance}, {@code spot-interruption});
 *                     absent: {@code spot-interruption} when {@code interruption}, else {@code scale-down}
 */
public record DrainNodeInput(String execution, String nodeName, String instanceId, Boolean interruption, Instant startedAt,
                             Lease lease, String purpose)
        implements Validatable {
    public DrainNodeInput(String execution, String nodeName, String instanceId, Boolean interruption, Instant startedAt,
                          Lease lease) {
        this(execution, nodeName, instanceId, interruption, startedAt, lease, null);
    }

    @Override
    public List<String> validationProblems() {
        List<String> problems = new java.util.ArrayList<>(
                NodeRef.check(InputCheck.start().required("execution", execution), nodeName, instanceId).problems());
        if (lease != null) {
            problems.addAll(Lease.problems("lease", lease));
        }
        problems.addAll(NodeStepInput.purposeProblems(purpose));
        return problems;
    }

    public NodeRef node() {
        return new NodeRef(nodeName, instanceId);
    }

    public DrainPurpose drainPurpose() {
        if (purpose != null) {
            return DrainPurpose.fromValue(purpose).orElseThrow();
        }
        return Boolean.TRUE.equals(interruption) ? DrainPurpose.SPOT_INTERRUPTION : DrainPurpose.SCALE_DOWN;
    }
}
