package dev.k3sautoscaler.errors;

/**
 * No Node object matches the step's node name or instance id (or the two disagree). Raised by
 * CordonNode and DrainNode, which must not report success on a node they cannot see; CheckJoin,
 * UncordonNode and DeleteNode report "not found" as an outcome instead. Not retryable.
 */
public final class NodeNotFound extends StepError {
    private static final long serialVersionUID = 1L;

    public NodeNotFound(String message) {
        super(message);
    }
}
