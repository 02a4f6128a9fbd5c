package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.core.lifecycle.NodeReadiness;

/**
 * One launched instance: its node (when registered) and why it is not Ready yet.
 *
 * @param readiness READY, JOINING (not Ready since it registered) or NOT_READY (lost after being Ready);
 *                  null when no node registered
 */
public record InstanceJoin(String instanceId, JoinStatus status, String nodeName, String detail,
                           NodeReadiness.Code readiness) {
}
