package dev.k3sautoscaler.core.scaledown;

import java.util.Map;
import java.util.Set;

/**
 * What, besides the cluster itself, decides which nodes may be chosen for removal.
 *
 * @param onlyNode          an operator's force-scale-down: only this Node name is considered (or null)
 * @param onlyInstance      a rebalance retirement: only the Node of this instance is considered (or null)
 * @param ownedInstanceIds  this cluster's managed workers as EC2 reports them (both tags, never the
 *                          master); null when EC2 could not be read, and then no node is a candidate:
 *                          Node labels are written by kubelets and prove nothing
 * @param ownershipUnknown  why EC2 could not be read, when {@code ownedInstanceIds} is null
 * @param blockedInstances  instances whose last scale-down could not finish, with why, still passed over
 */
public record Candidacy(String onlyNode, String onlyInstance, Set<String> ownedInstanceIds, String ownershipUnknown,
                        Map<String, String> blockedInstances) {

    public Candidacy {
        ownedInstanceIds = ownedInstanceIds == null ? null : Set.copyOf(ownedInstanceIds);
        blockedInstances = blockedInstances == null ? Map.of() : Map.copyOf(blockedInstances);
        if (ownedInstanceIds == null && (ownershipUnknown == null || ownershipUnknown.isBlank())) {
            throw new IllegalArgumentException("unknown ownership must say why");
        }
    }

    /** Every node whose EC2 instance is one of {@code owned}, none blocked: the plain scale-down. */
    public static Candidacy owned(Set<String> owned) {
        return new Candidacy(null, null, owned, null, Map.of());
    }

    public Candidacy onlyNode(String name) {
        return new Candidacy(name, onlyInstance, ownedInstanceIds, ownershipUnknown, blockedInstances);
    }

    public Candidacy onlyInstance(String instanceId) {
        return new Candidacy(onlyNode, instanceId, ownedInstanceIds, ownershipUnknown, blockedInstances);
    }

    public Candidacy blocked(Map<String, String> instances) {
        return new Candidacy(onlyNode, onlyInstance, ownedInstanceIds, ownershipUnknown, instances);
    }

    boolean considers(NodeView node) {
        return (onlyNode == null || onlyNode.equals(node.name()))
                && (onlyInstance == null || onlyInstance.equals(node.instanceId()));
    }

    /** Why this node's instance is not ours to remove, or null when it is. */
    RejectionReason notOwnedReason(NodeView node) {
        if (ownedInstanceIds == null) {
            return new RejectionReason.OwnershipUnknown(node.instanceId(), ownershipUnknown);
        }
        return ownedInstanceIds.contains(node.instanceId()) ? null : new RejectionReason.NotOursInEc2(node.instanceId());
    }
}
