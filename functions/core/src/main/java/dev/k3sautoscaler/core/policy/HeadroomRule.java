package dev.k3sautoscaler.core.policy;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.model.DecisionReason.Need;
import dev.k3sautoscaler.core.model.Unremovable;

/**
 * HEADROOM_CPU_MILLIS / HEADROOM_MEMORY_MIB: room kept free for pods that have not arrived yet, so a
 * spike of that size is scheduled at once instead of after a boot. Free room is the {@link FreeRoom}
 * of the Ready, schedulable workers, plus the empty workers launching, less what the waiting pods will
 * take of them. A scale-up restores it with the fewest workers; scale-down keeps any worker whose
 * removal would leave less. Both measure the same room, so they cannot flap: the fewest workers that
 * restore it are {@code k}, so {@code k − 1} would not, and removing any worker after them would not either.
 */
final class HeadroomRule {

    private HeadroomRule() {
    }

    /** Workers to launch for the headroom, and the need they answer; none when it is off or held. */
    record Demand(int newWorkers, Need.Headroom need) {
        static final Demand NONE = new Demand(0, null);
    }

    /**
     * @param free        what the Ready, schedulable workers have free now
     * @param inFlight    launches joining: empty workers soon, so never launched twice
     * @param podWorkers  the new workers the waiting pods get
     * @param podRequests the waiting pods' requests (those a worker can hold), which they take from the launches;
     *                    null when unknown: then the pods' new workers count as full (never guessed empty)
     */
    static Demand demand(AutoscalerConfig config, FreeRoom free, int inFlight, int podWorkers, FreeRoom podRequests) {
        AutoscalerConfig.Headroom headroom = config.headroom();
        if (!headroom.on()) {
            return Demand.NONE;
        }
        FreeRoom coming = podRequests == null ? FreeRoom.emptyWorkers(inFlight, config)
                : FreeRoom.emptyWorkers(inFlight + podWorkers, config).minus(podRequests);
        FreeRoom after = free.plus(coming);
        long shortCpu = Math.max(0, headroom.cpuMillis() - after.cpuMillis());
        long shortMemory = Math.max(0, headroom.memoryBytes() - after.memoryBytes());
        int workers = (int) Math.max(Math.ceilDiv(shortCpu, config.workerCpuMillis()),
                Math.ceilDiv(shortMemory, config.workerMemoryBytes()));
        return workers == 0 ? Demand.NONE : new Demand(workers,
                new Need.Headroom(after.cpuMillis(), after.memoryBytes(), headroom.cpuMillis(), headroom.memoryBytes()));
    }

    /**
     * Whether the workers may go as far as the headroom goes.
     *
     * @param free    what the Ready, schedulable workers have free now
     * @param removed what the workers to remove take with them ({@link FreeRoom#takenBy})
     * @return null when at least the headroom stays free once their pods are placed elsewhere, else the reason to keep the last
     */
    static Unremovable.KeepsHeadroom keeps(AutoscalerConfig config, FreeRoom free, FreeRoom removed) {
        AutoscalerConfig.Headroom headroom = config.headroom();
        FreeRoom left = free.minus(removed);
        boolean cpuShort = headroom.cpuMillis() > 0 && left.cpuMillis() < headroom.cpuMillis();
        boolean memoryShort = headroom.memoryBytes() > 0 && left.memoryBytes() < headroom.memoryBytes();
        return cpuShort || memoryShort ? new Unremovable.KeepsHeadroom(Math.max(0, left.cpuMillis()),
                Math.max(0, left.memoryBytes()), headroom.cpuMillis(), headroom.memoryBytes()) : null;
    }
}
