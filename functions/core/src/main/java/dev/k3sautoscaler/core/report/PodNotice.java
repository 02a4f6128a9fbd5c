package dev.k3sautoscaler.core.report;

/**
 * What an unschedulable pod is told: whether it triggered a scale-up, and if not, why.
 *
 * @param event the event {@code kubectl describe pod} shows
 */
public record PodNotice(String namespace, String name, Code code, ClusterEvent event) {

    /** Why a waiting pod did or did not trigger a scale-up; stable names for machines. */
    public enum Code {
        TRIGGERED_SCALE_UP, TOO_LARGE_FOR_WORKER, AT_MAX_WORKERS, PAUSED, BACKING_OFF, CAPACITY_UNAVAILABLE,
        ACTUATION_RUNNING, FITS_ON_LAUNCHING, NO_SCALE_UP;

        /** The event reason kubectl shows, as Cluster Autoscaler's users know them. */
        public String eventReason() {
            return this == TRIGGERED_SCALE_UP ? "TriggeredScaleUp" : "NotTriggerScaleUp";
        }

        /**
         * What the pod's wait is about: a pod that triggered a scale-up and then waits for those workers
         * (still launching, or an actuation still running) tells the same story, not a new one each tick.
         */
        public String story() {
            return switch (this) {
                case TRIGGERED_SCALE_UP, FITS_ON_LAUNCHING, ACTUATION_RUNNING -> "CAPACITY_COMING";
                default -> name();
            };
        }

        /** Warning where the pod stays Pending until someone acts (a limit, a pause, a pod too large). */
        public boolean warning() {
            return switch (this) {
                case TOO_LARGE_FOR_WORKER, AT_MAX_WORKERS, PAUSED, BACKING_OFF, CAPACITY_UNAVAILABLE -> true;
                case TRIGGERED_SCALE_UP, ACTUATION_RUNNING, FITS_ON_LAUNCHING, NO_SCALE_UP -> false;
            };
        }
    }

    public String qualifiedName() {
        return namespace + "/" + name;
    }
}
