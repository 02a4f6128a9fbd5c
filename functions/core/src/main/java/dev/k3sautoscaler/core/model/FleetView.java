package dev.k3sautoscaler.core.model;

import java.util.List;

/**
 * What EC2 bills for this cluster's workers, as ReconcileWorkers saw it (after its own actions),
 * so MAX_WORKERS counts machines that cost money rather than Node objects: a managed instance
 * that never registered counts, the Node of a terminated instance does not.
 *
 * @param observed           false when EC2 or the K3s API could not be read; then nothing else is known
 * @param unobservedReason   why not, when not observed
 * @param billedInstanceIds  this cluster's managed workers that are pending or running (the master never)
 * @param goneInstanceIds    instances named by a Node's providerID that EC2 reports shutting-down,
 *                           terminated or unknown: their Nodes are ghosts and count for nothing
 * @param justReadyInstanceIds billed workers whose Node the K3s API saw turn Ready moments ago: the
 *                           scraped metrics may still show them NotReady and their pods unschedulable
 */
public record FleetView(boolean observed, String unobservedReason, List<String> billedInstanceIds,
                        List<String> goneInstanceIds, List<String> justReadyInstanceIds) {

    public FleetView {
        billedInstanceIds = billedInstanceIds == null ? List.of() : List.copyOf(billedInstanceIds);
        goneInstanceIds = goneInstanceIds == null ? List.of() : List.copyOf(goneInstanceIds);
        justReadyInstanceIds = justReadyInstanceIds == null ? List.of() : List.copyOf(justReadyInstanceIds);
        if (!observed && (unobservedReason == null || unobservedReason.isBlank())) {
            throw new IllegalArgumentException("an unobserved fleet must say why");
        }
    }

    public static FleetView observed(List<String> billedInstanceIds, List<String> goneInstanceIds) {
        return observed(billedInstanceIds, goneInstanceIds, List.of());
    }

    public static FleetView observed(List<String> billedInstanceIds, List<String> goneInstanceIds,
                                     List<String> justReadyInstanceIds) {
        return new FleetView(true, null, billedInstanceIds, goneInstanceIds, justReadyInstanceIds);
    }

    public static FleetView unobserved(String reason) {
        return new FleetView(false, reason, List.of(), List.of(), List.of());
    }
}
