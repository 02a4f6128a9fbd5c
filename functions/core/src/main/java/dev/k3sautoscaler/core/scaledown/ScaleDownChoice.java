package dev.k3sautoscaler.core.scaledown;

import java.util.List;

/** The outcome of choosing nodes to remove: one node, several, or none with every node's reason. */
public sealed interface ScaleDownChoice {
    List<Rejection> rejected();

    /** @param evictable the pods a drain will evict (blocking pods are absent by construction) */
    record Chosen(NodeView node, List<PodView> evictable, List<Rejection> rejected) implements ScaleDownChoice {
        public Chosen {
            evictable = List.copyOf(evictable);
            rejected = List.copyOf(rejected);
        }
    }

    /** One node and the pods a drain will evict from it. */
    record Removal(NodeView node, List<PodView> evictable) {
        public Removal {
            evictable = List.copyOf(evictable);
        }

        /** Nothing to evict: only DaemonSet, mirror or finished pods. */
        public boolean empty() {
            return evictable.isEmpty();
        }
    }

    /** Several nodes at once (the policy's per-node scale-down), in the order they were taken. */
    record Several(List<Removal> removals, List<Rejection> rejected) implements ScaleDownChoice {
        public Several {
            removals = List.copyOf(removals);
            rejected = List.copyOf(rejected);
        }
    }

    record NoCandidate(List<Rejection> rejected) implements ScaleDownChoice {
        public NoCandidate {
            rejected = List.copyOf(rejected);
        }
    }
}
