package dev.k3sautoscaler.fleet;

/** EC2 tags the fleet writes at launch and reads before any terminate. */
public final class FleetTags {
    /** Only instances carrying {@code true} here were launched by the autoscaler and may be terminated by it. */
    public static final String MANAGED = "k3s-autoscaler/managed";
    /** The cluster id: two clusters in one account never touch each other's workers. */
    public static final String CLUSTER = "k3s-autoscaler/cluster";
    /** The execution that launched the instance: a retried Launch finds its own earlier launches by it. */
    public static final String LAUNCHED_BY = "k3s-autoscaler/launched-by";
    /** Set to {@code master} on the K3s server; refused by TerminateWorkers even if tagged managed by mistake. */
    public static final String ROLE = "k3s-autoscaler/role";
    public static final String ROLE_MASTER = "master";
    public static final String NAME = "Name";

    private FleetTags() {
    }
}
