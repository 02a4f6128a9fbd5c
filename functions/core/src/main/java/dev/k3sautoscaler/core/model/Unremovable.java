package dev.k3sautoscaler.core.model;

import java.time.Instant;

/**
 * Why one worker is not removed by this decision, as facts with a stable {@link Code}: the node's own
 * reasons first (the operator's "why isn't this node removed?"), then what holds back scale-down for
 * every node, then the per-actuation limits. {@link DecisionWording#unremovable} words it.
 */
public sealed interface Unremovable {

    Code code();

    enum Code {
        NO_INSTANCE_ID, NOT_READY, CORDONED, REQUESTS_UNKNOWN, NOT_UNDERUTILIZED, NO_ROOM_ELSEWHERE, PASSED_OVER, NOT_UNNEEDED_LONG_ENOUGH, HELD_BACK,
        KEEPS_HEADROOM, LIMIT_REACHED
    }

    record NoInstanceId() implements Unremovable {
        public Code code() { return Code.NO_INSTANCE_ID; }
    }

    record NotReady() implements Unremovable {
        public Code code() { return Code.NOT_READY; }
    }

    /** Cordoned: already on its way out, or held by someone else. */
    record Cordoned() implements Unremovable {
        public Code code() { return Code.CORDONED; }
    }

    /** CollectMetrics gave no requests for it: missing data is never read as an empty node. */
    record RequestsUnknown() implements Unremovable {
        public Code code() { return Code.REQUESTS_UNKNOWN; }
    }

    /** Its pods' requests, in % of its allocatable, against CPU_DOWN / MEM_DOWN. */
    record NotUnderutilized(double cpuPercent, double memoryPercent, double cpuDown, double memoryDown)
            implements Unremovable {
        public Code code() { return Code.NOT_UNDERUTILIZED; }
    }

    /**
     * Its pods' requests exceed what the other Ready, schedulable workers have free: they would not fit.
     *
     * @param cpuMillis    its pods' CPU requests; {@code freeCpuMillis} what the others have free
     * @param memoryBytes  its pods' memory requests; {@code freeMemoryBytes} likewise
     */
    record NoRoomElsewhere(long cpuMillis, long freeCpuMillis, long memoryBytes, long freeMemoryBytes)
            implements Unremovable {
        public Code code() { return Code.NO_ROOM_ELSEWHERE; }
    }

    /** Its last scale-down could not finish, or SelectScaleDownTarget found its pods could not move. */
    record PassedOver(String why, Instant until) implements Unremovable {
        public Code code() { return Code.PASSED_OVER; }
    }

    record NotUnneededLongEnough(Instant since, Instant until) implements Unremovable {
        public Code code() { return Code.NOT_UNNEEDED_LONG_ENOUGH; }
    }

    /** Unneeded long enough, but something holds back every scale-down now. */
    record HeldBack(HoldBack holdBack) implements Unremovable {
        public Code code() { return Code.HELD_BACK; }
    }

    /**
     * Unneeded long enough, but without it (and the workers this actuation already takes) less would be
     * free than HEADROOM_CPU_MILLIS / HEADROOM_MEMORY_MIB, once their pods are placed elsewhere.
     *
     * @param freeCpuMillis   what would be left free; {@code freeMemoryBytes} likewise
     * @param cpuMillis       the headroom; {@code memoryBytes} likewise (0: not asked for)
     */
    record KeepsHeadroom(long freeCpuMillis, long freeMemoryBytes, long cpuMillis, long memoryBytes)
            implements Unremovable {
        public Code code() { return Code.KEEPS_HEADROOM; }
    }

    /**
     * Unneeded long enough, but this actuation already takes as many as {@code variable} allows;
     * it is next in line.
     */
    record LimitReached(String variable, int limit) implements Unremovable {
        public Code code() { return Code.LIMIT_REACHED; }
    }
}
