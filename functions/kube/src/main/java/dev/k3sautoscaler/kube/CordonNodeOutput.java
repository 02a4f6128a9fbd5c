package dev.k3sautoscaler.kube;

/**
 * @param claimedAt when this purpose's claim on the node began (now, or when an earlier attempt took
 *                  it): the drain's DRAIN_TIMEOUT_SEC counts from here; null when another drain owns it
 */
public record CordonNodeOutput(String nodeName, String instanceId, boolean alreadyCordoned, String reason,
                               java.time.Instant claimedAt) {
}
