package dev.k3sautoscaler.errors;

/**
 * A step was asked to cordon, drain or delete a node the autoscaler does not own: a control-plane
 * node or one without the {@code k3s-autoscaler/managed=true} label. Not retryable; nothing was changed.
 */
public final class NodeNotManaged extends StepError {
    private static final long serialVersionUID = 1L;

    public NodeNotManaged(String message) {
        super(message);
    }
}
