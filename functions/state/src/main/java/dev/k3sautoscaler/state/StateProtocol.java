package dev.k3sautoscaler.state;

import java.time.Clock;
import java.util.Objects;

/**
 * What each protocol on the cluster's state item holds: the shared {@link StateAccess}, and the
 * cluster and clock its handler logs and stamps notices with.
 */
abstract sealed class StateProtocol permits ScalingLease, OutcomeLog, LockBreaker, StateReader {
    final StateAccess state;

    StateProtocol(StateAccess state) {
        this.state = Objects.requireNonNull(state, "state");
    }

    public String clusterId() {
        return state.clusterId();
    }

    /** The clock leases and events are stamped with (a notice's duration is measured against it). */
    public Clock clock() {
        return state.clock();
    }
}
