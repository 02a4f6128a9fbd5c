package dev.k3sautoscaler.core.scaledown;

/** A node that was not chosen for removal, and why, in words an operator reads in the console. */
public record Rejection(String node, String rejectedBecause) {
}
