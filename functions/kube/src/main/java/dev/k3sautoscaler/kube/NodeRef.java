package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.runtime.InputCheck;

/** A node named by the workflow: its Node name, its instance id, or both (then they must agree). */
public record NodeRef(String nodeName, String instanceId) {
    static InputCheck check(InputCheck check, String nodeName, String instanceId) {
        boolean hasName = nodeName != null && !nodeName.isBlank();
        boolean hasInstance = instanceId != null && !instanceId.isBlank();
        return check.check(hasName || hasInstance, "nodeName or instanceId is required")
                .check(!hasInstance || instanceId.startsWith("i-"), "instanceId must look like i-0123456789abcdef0");
    }

    public boolean byName() {
        return nodeName != null && !nodeName.isBlank();
    }

    public boolean hasInstance() {
        return instanceId != null && !instanceId.isBlank();
    }

    @Override
    public String toString() {
        return byName() && hasInstance() ? nodeName + " (" + instanceId + ")" : byName() ? nodeName : "instance " + instanceId;
    }
}
