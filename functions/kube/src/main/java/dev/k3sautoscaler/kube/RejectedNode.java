package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.core.scaledown.Rejection;
import dev.k3sautoscaler.core.scaledown.RejectionReason;
import java.util.List;

/** A node not chosen: why in words for the console, and the reason's code. */
public record RejectedNode(String node, String rejectedBecause, RejectionReason.Code code) {
    static List<RejectedNode> of(List<Rejection> rejections) {
        return rejections.stream().map(r -> new RejectedNode(r.node(), r.rejectedBecause(), r.code())).toList();
    }
}
