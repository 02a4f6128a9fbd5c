package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.state.Lease;
import dev.k3sautoscaler.runtime.Validatable;
import java.util.List;

/**
 * Input of CordonNode, UncordonNode and DeleteNode: the node by name, by EC2 instance id (a Spot
 * interruption event names only the instance), or both — then they must agree.
 *
 * @param lease the scaling lease, on the paths that hold the lock: checked (and extended) right
 *              before the Kubernetes call; absent on the Spot interruption path, which runs without it
 */
public record NodeStepInput(String execution, String nodeName, String instanceId, Lease lease) implements Validatable {
    public NodeStepInput(String execution, String nodeName, String instanceId) {
        this(execution, nodeName, instanceId, null);
    }

    @Override
    public List<String> validationProblems() {
        List<String> problems = new java.util.ArrayList<>(
                NodeRef.check(InputCheck.start().required("execution", execution), nodeName, instanceId).problems());
        if (lease != null) {
            problems.addAll(Lease.problems("lease", lease));
        }
        return problems;
    }

    public NodeRef node() {
        return new NodeRef(nodeName, instanceId);
    }
}
