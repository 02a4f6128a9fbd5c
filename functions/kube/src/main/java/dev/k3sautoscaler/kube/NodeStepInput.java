package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.core.scaledown.DrainPurpose;
import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.state.Lease;
import dev.k3sautoscaler.runtime.Validatable;
import java.util.List;

/**
 * Input of CordonNode, UncordonNode and DeleteNode: the node by name, by EC2 instance id (a Spot
 * interruption event names only the instance), or both — then they must agree.
 *
 * @param lease   the scaling lease, on the paths that hold the lock: checked (and extended) right
 *                before the Kubernetes call; absent on the Spot interruption path, which runs without it
 * @param purpose whose drain claim a cordon takes or an uncordon gives back: {@code scale-down} (the
 *                default), {@code rebalance} or {@code spot-interruption}
 */
public record NodeStepInput(String execution, String nodeName, String instanceId, Lease lease, String purpose)
        implements Validatable {
    public NodeStepInput(String execution, String nodeName, String instanceId) {
        this(execution, nodeName, instanceId, null, null);
    }

    public NodeStepInput(String execution, String nodeName, String instanceId, Lease lease) {
        this(execution, nodeName, instanceId, lease, null);
    }

    public DrainPurpose drainPurpose() {
        return purpose == null ? DrainPurpose.SCALE_DOWN : DrainPurpose.fromValue(purpose).orElseThrow();
    }

    @Override
    public List<String> validationProblems() {
        List<String> problems = new java.util.ArrayList<>(
                NodeRef.check(InputCheck.start().required("execution", execution), nodeName, instanceId).problems());
        if (lease != null) {
            problems.addAll(Lease.problems("lease", lease));
        }
        problems.addAll(purposeProblems(purpose));
        return problems;
    }

    static List<String> purposeProblems(String purpose) {
        return purpose == null || DrainPurpose.fromValue(purpose).isPresent() ? List.of()
                : List.of("purpose \"" + purpose + "\" is not one of " + java.util.Arrays.stream(DrainPurpose.values())
                        .map(DrainPurpose::value).toList());
    }

    public NodeRef node() {
        return new NodeRef(nodeName, instanceId);
    }
}
