package dev.k3sautoscaler.state;

import dev.k3sautoscaler.runtime.JsonStepHandler;

/** What the state steps share: one {@link StateStore}, built once in INIT from the environment. */
abstract class StateStepHandler<I, O> extends JsonStepHandler<I, O> {
    protected final StateStore store;

    protected StateStepHandler(Class<I> inputType, String stepName, StateStore store) {
        super(inputType, stepName, store.clusterId());
        this.store = store;
    }
}
