package dev.k3sautoscaler.cdk;

/**
 * How the Lambdas that talk to the cluster (metrics, kube) reach the K3s API server.
 * Costs per month in docs/cost.md; the choice in docs/decisions/cdk-networking-default.md.
 */
public enum NetworkingMode {
    /**
     * Default, $0: Lambdas outside the VPC call the API server on the master's Elastic IP over TLS
     * (cluster CA pinned) with a ServiceAccount token. Port 6443 is reachable from the internet, but
     * only authenticated requests get past the API server (anonymous auth gives only discovery).
     */
    PUBLIC_API,
    /**
     * Cluster-facing Lambdas in isolated subnets of the VPC; SSM reached through an interface
     * endpoint in each AZ. 6443 is open only to the nodes and the Lambdas' security group.
     */
    VPC_ENDPOINTS,
    /** Cluster-facing Lambdas in private subnets with one NAT gateway for egress (SSM); 6443 closed to the world. */
    VPC_NAT;

    public boolean lambdasInVpc() {
        return this != PUBLIC_API;
    }
}
