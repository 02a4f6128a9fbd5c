package dev.k3sautoscaler.kube;

/** Where one launched instance stands in its join: a CheckWorkersJoined output value the ASL tests. */
public enum JoinStatus {
    /** The node registered and its Ready condition is True. */
    READY,
    /** The node registered but is not Ready yet (CNI starting, image pulls). */
    NOT_READY,
    /** No Node carries this instance's providerID yet. */
    MISSING
}
