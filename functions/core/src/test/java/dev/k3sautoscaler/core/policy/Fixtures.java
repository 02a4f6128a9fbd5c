package dev.k3sautoscaler.core.policy;

import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.PendingLaunch;
import dev.k3sautoscaler.core.model.PodRequest;
import dev.k3sautoscaler.core.model.WorkerNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** Builders for policy inputs: a calm cluster by default, changed one field at a time per test. */
final class Fixtures {
    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    static final long MIB = 1024L * 1024L;

    private Fixtures() {
    }

    static List<WorkerNode> readyWorkers(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> new WorkerNode("worker-" + i, "i-" + String.format("%017d", i), true, true))
                .toList();
    }

    /** A Ready, schedulable worker whose pods request this much. */
    static WorkerNode worker(String name, long cpuMillis, long memoryMib) {
        return new WorkerNode(name, "i-" + name, true, true, cpuMillis, memoryMib * MIB);
    }

    static List<PodRequest> pods(int count, long cpuMillis, long memoryMib) {
        return IntStream.range(0, count)
                .mapToObj(i -> new PodRequest("default", "pod-" + cpuMillis + "-" + memoryMib + "-" + i, cpuMillis, memoryMib * MIB))
                .toList();
    }

    static PendingLaunch launch(String instanceId, Instant at) {
        return new PendingLaunch(instanceId, "t3.small", "eu-west-1a", at);
    }

    static Metrics metrics() {
        return new Metrics();
    }

    /** A mutable builder; every field starts at a value that triggers nothing. */
    static final class Metrics {
        double cpu = 50;
        double cpuHigh = 50;
        double cpuLow = 50;
        double memory = 50;
        double memoryHigh = 50;
        double memoryLow = 60;
        int unschedulable = 0;
        List<PodRequest> unschedulableRequests = new ArrayList<>();
        int unschedulableMaxOverIdle = 0;
        long requestedCpu = 1000;
        long requestedMemory = 1024 * MIB;
        List<WorkerNode> workers = readyWorkers(4);

        Metrics cpu(double now, double sustainedHigh, double sustainedLow) {
            cpu = now;
            cpuHigh = sustainedHigh;
            cpuLow = sustainedLow;
            return this;
        }

        /** Memory now, steady over the MEM_UP_SUSTAIN_SEC window. */
        Metrics memory(double now, double sustainedLow) {
            return memory(now, now, sustainedLow);
        }

        /** @param sustainedHigh the lowest memory over MEM_UP_SUSTAIN_SEC */
        Metrics memory(double now, double sustainedHigh, double sustainedLow) {
            memory = now;
            memoryHigh = sustainedHigh;
            memoryLow = sustainedLow;
            return this;
        }

        Metrics idle() {
            return cpu(10, 10, 12).memory(20, 22);
        }

        Metrics unschedulable(List<PodRequest> pods) {
            unschedulable = pods.size();
            unschedulableRequests = new ArrayList<>(pods);
            unschedulableMaxOverIdle = Math.max(unschedulableMaxOverIdle, pods.size());
            return this;
        }

        Metrics unschedulableWithin(int maxOverIdleWindow) {
            unschedulableMaxOverIdle = maxOverIdleWindow;
            return this;
        }

        Metrics requested(long cpuMillis, long memoryMib) {
            requestedCpu = cpuMillis;
            requestedMemory = memoryMib * MIB;
            return this;
        }

        Metrics workers(List<WorkerNode> nodes) {
            workers = nodes;
            return this;
        }

        /** These workers, and the cluster's requests as the sum of theirs (as CollectMetrics computes it). */
        Metrics nodes(List<WorkerNode> nodes) {
            workers = nodes;
            requestedCpu = nodes.stream().filter(WorkerNode::requestsKnown).mapToLong(WorkerNode::requestedCpuMillis).sum();
            requestedMemory = nodes.stream().filter(WorkerNode::requestsKnown)
                    .mapToLong(WorkerNode::requestedMemoryBytes).sum();
            return this;
        }

        Metrics workers(int readyCount) {
            return workers(readyWorkers(readyCount));
        }

        ClusterMetrics build() {
            return new ClusterMetrics(true, null, NOW, cpu, cpuHigh, cpuLow, memory, memoryHigh, memoryLow, unschedulable,
                    unschedulableRequests, unschedulableMaxOverIdle, requestedCpu, requestedMemory, workers);
        }
    }
}
