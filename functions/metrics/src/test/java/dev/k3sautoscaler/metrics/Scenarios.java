package dev.k3sautoscaler.metrics;

import static dev.k3sautoscaler.metrics.ClusterFixture.GIB;
import static dev.k3sautoscaler.metrics.ClusterFixture.MIB;

import java.time.Duration;
import java.time.Instant;

/** Cluster histories shared by the collector and handler tests. */
final class Scenarios {
    static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");

    private Scenarios() {
    }

    /**
     * A master at full load; w1 (4 cores, 80 % CPU, 3 of 4 GiB used) and w2 (2 cores, 20 %, 0.5 of
     * 2 GiB); w3 NotReady, cordoned, without node-exporter, registered without an EC2 provider id.
     * Two pods unschedulable for 5 minutes (web-1: two containers, 600m / 576 MiB; cache-0: 250m / 2 GiB);
     * api-1 (300m / 256 MiB) running on w1.
     */
    static ClusterFixture busyCluster() {
        ClusterFixture cluster = ClusterFixture.between(NOW.minus(Duration.ofMinutes(20)), NOW);
        cluster.master("server-1").cpus(2).cpuBusy(0.95).memory(4 * GIB, 0.9);
        ClusterFixture.Node w1 = cluster.worker("w1").cpus(4).cpuBusy(0.8).memory(4 * GIB, 0.75);
        cluster.worker("w2").cpus(2).cpuBusy(0.2).memory(2 * GIB, 0.25);
        cluster.worker("w3").notReady().cordoned().withoutNodeExporter().providerId("k3s://w3");
        cluster.pod("shop", "web-1").unschedulableSince(NOW.minus(Duration.ofMinutes(5)))
                .container("app", 500, 512 * MIB).container("sidecar", 100, 64 * MIB);
        cluster.pod("shop", "cache-0").unschedulableSince(NOW.minus(Duration.ofMinutes(5)))
                .container("redis", 250, 2 * GIB);
        cluster.pod("shop", "api-1").runningOn(w1).container("app", 300, 256 * MIB);
        return cluster;
    }
}
