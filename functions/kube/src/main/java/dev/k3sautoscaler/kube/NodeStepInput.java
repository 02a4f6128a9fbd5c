package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.runtime.Validatable;
import java.util.List;

/**
 * Input of CordonNode, UncordonNode and DeleteNode: the node by name, by EC2 instance id (a Spot
 * interruption event names only the instance), or both — then they must agree.
 */
public record NodeStepInput(String execution, String nodeName, String instanceId) implements Validatable {
    @Override
    public List<String> validationProblems() {
        return NodeRef.check(InputCheck.start().required("execution", execution), nodeName, instanceId).problems();
    }

    public NodeRef node() {
        return new NodeRef(nodeName, instanceId);
    }
}
