package dev.k3sautoscaler.core.scaledown;

import java.util.List;

/** The outcome of choosing a node to remove: one node, or none with every node's reason. */
public sealed interface ScaleDownChoice {
    List<Rejection> rejected();

    /** @param evictable the pods a drain will evict (blocking pods are absent by construction) */
    record Chosen(NodeView node, List<PodView> evictable, List<Rejection> rejected) implements ScaleDownChoice {
        public Chosen {
            evictable = List.copyOf(evictable);
            rejected = List.copyOf(rejected);
        }
    }

    record NoCandidate(List<Rejection> rejected) implements ScaleDownChoice {
        public NoCandidate {
            rejected = List.copyOf(rejected);
        }
    }
}
