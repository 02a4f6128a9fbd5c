package dev.k3sautoscaler.simulator.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of kube-scheduler the autoscaler depends on: a pod fits a node when its CPU and memory
 * requests fit the node's allocatable minus the requests of the pods already there (terminating
 * pods still count until they are gone). Pods are placed first-fit in creation order onto nodes in
 * registration order; a pod that fits nowhere is marked unschedulable from the first failed try.
 * No affinity, taints beyond the master's and the cordon, topology spread or preemption.
 */
final class Scheduler {
    private Scheduler() {
    }

    /**
     * @param pending  pods without a node, oldest first (DaemonSet pods are bound by their controller, not here)
     * @param nodes    every node, in registration order
     * @param occupants the pods already holding resources on each node
     * @param podStartup from binding to the pod's Ready condition
     * @return the pods bound, in binding order
     */
    static List<SimPod> schedule(List<SimPod> pending, Collection<SimNode> nodes, Map<String, List<SimPod>> occupants,
            Duration now, Duration podStartup) {
        Map<String, long[]> free = new LinkedHashMap<>();
        for (SimNode node : nodes) {
            if (node.acceptsWorkloads(now)) {
                free.put(node.name(), freeOn(node, occupants.getOrDefault(node.name(), List.of())));
            }
        }
        List<SimPod> bound = new ArrayList<>();
        for (SimPod pod : pending) {
            // A pod never tried was created since the last pass: the scheduler tried it then. The
            // room it sees is the room of that moment, as nothing else changes between passes.
            Duration triedAt = pod.unschedulableSince == null && pod.createdAt.compareTo(now) < 0 ? pod.createdAt : now;
            String target = firstFit(free, pod);
            if (target == null) {
                if (pod.unschedulableSince == null) {
                    pod.unschedulableSince = triedAt;
                    pod.waitingSince = triedAt;
                }
                continue;
            }
            long[] room = free.get(target);
            room[0] -= pod.owner.cpuMillis();
            room[1] -= pod.owner.memoryBytes();
            pod.bind(target, triedAt, podStartup);
            bound.add(pod);
        }
        return bound;
    }

    /** {cpu, memory} not yet requested on the node, given the pods holding resources there. */
    static long[] freeOn(SimNode node, List<SimPod> occupants) {
        long cpu = node.cpuMillis;
        long memory = node.memoryBytes;
        for (SimPod pod : occupants) {
            cpu -= pod.owner.cpuMillis();
            memory -= pod.owner.memoryBytes();
        }
        return new long[] {cpu, memory};
    }

    private static String firstFit(Map<String, long[]> free, SimPod pod) {
        for (Map.Entry<String, long[]> entry : free.entrySet()) {
            long[] room = entry.getValue();
            if (room[0] >= pod.owner.cpuMillis() && room[1] >= pod.owner.memoryBytes()) {
                return entry.getKey();
            }
        }
        return null;
    }
}
