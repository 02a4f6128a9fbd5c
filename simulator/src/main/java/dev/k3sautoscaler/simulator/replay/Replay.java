package dev.k3sautoscaler.simulator.replay;

import dev.k3sautoscaler.simulator.scenario.Scenario;
import java.util.List;

/**
 * A cluster's history, replayable: the scenario derived from it (as YAML for the operator to keep
 * and edit, and loaded), what the cluster really did, and what the derivation left out or assumed.
 *
 * @param yaml     the scenario file; {@code scenario} is exactly what the loader reads from it
 * @param leftOut  owners whose pods the scenario does not have, with why
 * @param notes    one line each: what was left out, defaulted or carried over, for the operator to read
 */
public record Replay(String yaml, Scenario scenario, ActualRun actual, List<LeftOut> leftOut, List<String> notes) {

    public Replay {
        leftOut = List.copyOf(leftOut);
        notes = List.copyOf(notes);
    }

    /**
     * Pods of one owner the scenario does not have.
     *
     * @param kind     the owner's kind as kube-state-metrics names it ({@code Job}, {@code ReplicaSet}, {@code <none>}, …)
     * @param peakPods the most of its pods Running or Pending at once
     */
    public record LeftOut(String namespace, String kind, String name, int peakPods, Reason reason) {
    }

    public enum Reason {
        /** Not a Deployment, StatefulSet or DaemonSet: a Job, a bare ReplicaSet or pod, a static pod. */
        NOT_A_WORKLOAD,
        /** A Deployment or StatefulSet whose pods ran on the master, which the simulated master never takes. */
        ON_CONTROL_PLANE
    }
}
