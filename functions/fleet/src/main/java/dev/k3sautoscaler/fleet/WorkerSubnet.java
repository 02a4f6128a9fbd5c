package dev.k3sautoscaler.fleet;

/** One subnet workers may launch into, with its Availability Zone (from WORKER_SUBNET_IDS). */
public record WorkerSubnet(String subnetId, String availabilityZone) {
}
