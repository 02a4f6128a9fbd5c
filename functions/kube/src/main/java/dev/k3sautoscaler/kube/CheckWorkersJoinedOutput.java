package dev.k3sautoscaler.kube;

import java.util.List;

/**
 * @param overdue instances still not Ready JOIN_TIMEOUT_SEC after launchedAt (empty without launchedAt)
 */
public record CheckWorkersJoinedOutput(List<InstanceJoin> instances, List<String> ready, List<String> notReady,
                              List<String> missing, List<String> overdue, boolean allReady, String reason) {
}
