package dev.k3sautoscaler.kube;

/** @param found false when the node no longer exists (nothing to undo) */
public record UncordonNodeOutput(String nodeName, boolean found, boolean changed, String reason) {
}
