package dev.k3sautoscaler.contract;

/** What a step reaches outside itself: decides its environment, its IAM role and whether it runs in the VPC. */
public enum Reach {
    NOTHING, STATE, EC2, CLUSTER,
    /** The reconcile: EC2 (describe, terminate) and the K3s API (list and delete Nodes). */
    EC2_AND_CLUSTER,
    /** Describes instances only: the fleet's settings, no idempotency store, EC2's public endpoint. */
    EC2_READ;

    /** Calls the K3s API server: in the VPC networking modes it runs in the VPC. */
    public boolean reachesCluster() {
        return this == CLUSTER || this == EC2_AND_CLUSTER;
    }
}
