package dev.k3sautoscaler.core.scaledown;

/** A taint on a Node that keeps pods off it: effect NoSchedule or NoExecute ({@code value} may be null). */
public record NodeTaint(String key, String value, String effect) {
    public static NodeTaint noSchedule(String key) {
        return new NodeTaint(key, null, "NoSchedule");
    }
}
