package dev.k3sautoscaler.kube;

public record DeleteNodeOutput(String nodeName, boolean deleted, boolean alreadyGone, String reason) {
}
