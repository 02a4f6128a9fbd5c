package dev.k3sautoscaler.core.policy;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.model.Unremovable;
import dev.k3sautoscaler.core.model.WorkerNode;
import java.util.List;

/**
 * Room on workers, CPU and memory: what they have free (a worker's allocatable less its pods' requests),
 * or what some pods or workers take. The one place that says what a worker has free, for scale-down's
 * judgement and for the headroom alike.
 */
record FreeRoom(long cpuMillis, long memoryBytes) {
    static final FreeRoom NONE = new FreeRoom(0, 0);

    /**
     * What the Ready, schedulable workers have free, in total. A worker whose requests are unknown has
     * none: missing data is never read as an empty node.
     */
    static FreeRoom of(List<WorkerNode> workers, AutoscalerConfig config) {
        FreeRoom total = NONE;
        for (WorkerNode worker : workers) {
            if (worker.isCapacity() && worker.requestsKnown()) {
                total = total.plus(on(worker, config));
            }
        }
        return total;
    }

    /** What one worker has free: a worker's allocatable less its pods' requests (none when overcommitted). */
    static FreeRoom on(WorkerNode worker, AutoscalerConfig config) {
        return new FreeRoom(Math.max(0, config.workerCpuMillis() - worker.requestedCpuMillis()),
                Math.max(0, config.workerMemoryBytes() - worker.requestedMemoryBytes()));
    }

    /** What {@code count} empty workers hold. */
    static FreeRoom emptyWorkers(int count, AutoscalerConfig config) {
        return new FreeRoom(count * config.workerCpuMillis(), count * config.workerMemoryBytes());
    }

    /** What removing a worker takes from the room of the others: its own free room, and its pods' requests once they sit elsewhere. */
    static FreeRoom takenBy(WorkerNode worker, AutoscalerConfig config) {
        return on(worker, config).plus(new FreeRoom(worker.requestedCpuMillis(), worker.requestedMemoryBytes()));
    }

    FreeRoom plus(FreeRoom other) {
        return new FreeRoom(cpuMillis + other.cpuMillis, memoryBytes + other.memoryBytes);
    }

    FreeRoom minus(FreeRoom other) {
        return new FreeRoom(cpuMillis - other.cpuMillis, memoryBytes - other.memoryBytes);
    }

    /** Free room on the workers other than {@code worker} (itself a capacity worker): null when its pods' requests fit there. */
    Unremovable.NoRoomElsewhere lacking(WorkerNode worker, AutoscalerConfig config) {
        FreeRoom others = minus(on(worker, config));
        boolean fits = worker.requestedCpuMillis() <= others.cpuMillis()
                && worker.requestedMemoryBytes() <= others.memoryBytes();
        return fits ? null : new Unremovable.NoRoomElsewhere(worker.requestedCpuMillis(), others.cpuMillis(),
                worker.requestedMemoryBytes(), others.memoryBytes());
    }
}
