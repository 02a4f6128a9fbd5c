package dev.k3sautoscaler.simulator.cluster;

import java.time.Duration;

/**
 * One pod's wait for a place: from the scheduler's first failed try until it was bound (or deleted
 * while still pending). The run's latency figures are computed from these, to the second.
 *
 * @param pod          namespace/name
 * @param since        the scheduler's first failed try
 * @param end          when it was bound or deleted; null while it still waits
 * @param instanceId   the worker it was bound to; null when it was deleted unbound or still waits
 * @param fitsAWorker  its requests fit an empty worker of the scenario's type (else no scale-up can help it)
 */
public record PodWait(String pod, Duration since, Duration end, String instanceId, boolean fitsAWorker) {
}
