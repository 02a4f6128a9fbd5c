package dev.k3sautoscaler.simulator.virtual;

import dev.k3sautoscaler.fleet.FleetTags;
import dev.k3sautoscaler.simulator.cluster.InstanceState;
import dev.k3sautoscaler.simulator.cluster.SimulatedCluster;
import dev.k3sautoscaler.simulator.scenario.Scenario;
import dev.k3sautoscaler.simulator.scenario.Scenario.CapacityType;
import dev.k3sautoscaler.testkit.ec2.Ec2Fake;
import dev.k3sautoscaler.testkit.ec2.FakeInstance;
import dev.k3sautoscaler.testkit.ec2.QueryRequest;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The EC2 Query API of the virtual cloud: the testkit's EC2 fake (what the real SDK client talks to)
 * kept in step with the simulated cluster's instances. RunInstances of a worker starts one in the
 * cluster under the fake's id (its Node registers after the scenario's boot delay); a
 * TerminateInstances stops it there; a Spot instance the cluster reclaims is terminated here. The
 * scenario's capacity-error windows become the fake's per-offering capacity (0 while a window is
 * open), so the fleet sees InsufficientInstanceCapacity exactly as from EC2.
 */
public final class VirtualEc2 implements AutoCloseable {
    public static final String LAUNCH_TEMPLATE_ID = "lt-0a1b2c3d4e5f60001";

    private final SimulatedCluster cluster;
    private final Ec2Fake fake;
    private final Map<String, String> subnetByZone = new LinkedHashMap<>();

    public VirtualEc2(SimulatedCluster cluster, String clusterId, Clock clock) {
        this.cluster = cluster;
        Scenario scenario = cluster.scenario();
        fake = Ec2Fake.start(clock)
                .launchTemplate(new Ec2Fake.LaunchTemplate(LAUNCH_TEMPLATE_ID, "k3s-worker", "ami-0sim",
                        scenario.workerType().name(), "#!/bin/sh\n# worker user data (not run in the simulation)"))
                // RunInstances → running in EC2 is quick; joining the cluster is the scenario's boot delay.
                .bootDelay(Duration.ofSeconds(10));
        for (String zone : scenario.cluster().zones()) {
            String subnet = String.format("subnet-%017x", subnetByZone.size() + 1);
            subnetByZone.put(zone, subnet);
            fake.subnet(subnet, zone);
        }
        for (InstanceState instance : cluster.instances()) {
            Map<String, String> tags = new LinkedHashMap<>();
            tags.put(FleetTags.CLUSTER, clusterId);
            tags.put(FleetTags.NAME, instance.master() ? clusterId + "-master" : clusterId + "-worker");
            if (instance.master()) {
                tags.put(FleetTags.ROLE, FleetTags.ROLE_MASTER);
            } else {
                tags.put(FleetTags.MANAGED, "true");
            }
            fake.addInstance(instance.instanceId(), scenario.workerType().name(), subnetByZone.get(instance.zone()),
                    instance.capacityType().label(), tags);
        }
        fake.onLaunch(this::launched);
    }

    public URI endpoint() {
        return fake.endpoint();
    }

    /** The fleet's WORKER_SUBNET_IDS value: {@code subnet:az,…}. */
    public String subnetIds() {
        return fake.subnetIds();
    }

    /** Before a step runs: capacity windows as of now, and Spot instances the cluster has reclaimed. */
    public void syncFromCluster() {
        synchronized (cluster) {
            Duration now = cluster.now();
            Map<String, Boolean> closed = new LinkedHashMap<>();
            for (Scenario.CapacityError window : cluster.capacityErrors()) {
                closed.merge(window.instanceType() + "|" + window.zone() + "|" + window.capacityType().label(),
                        window.activeAt(now), Boolean::logicalOr);
            }
            closed.forEach((offering, shortage) -> {
                String[] parts = offering.split("\\|");
                fake.capacity(parts[0], parts[1], parts[2], shortage ? 0 : Integer.MAX_VALUE);
            });
            for (InstanceState instance : cluster.instances()) {
                FakeInstance described = fake.instance(instance.instanceId());
                if (!instance.runningAt(now) && described != null && described.isAlive()) {
                    fake.terminate(instance.instanceId());
                }
            }
        }
    }

    /** After a step ran: instances it terminated stop in the cluster. */
    public void syncToCluster() {
        synchronized (cluster) {
            Duration now = cluster.now();
            Set<String> running = cluster.instances().stream().filter(state -> state.runningAt(now))
                    .map(InstanceState::instanceId).collect(Collectors.toSet());
            for (FakeInstance instance : fake.instances()) {
                if (!instance.isAlive() && running.contains(instance.instanceId())) {
                    cluster.terminateInstance(instance.instanceId());
                }
            }
        }
    }

    /** The API calls of one action (e.g. RunInstances) EC2 received, in order: what the fleet's SDK client really sent. */
    public List<QueryRequest> requests(String action) {
        return fake.requests(action);
    }

    /** Every instance EC2 knows, for the invariants (no orphan, master untouched). */
    public List<FakeInstance> instances() {
        return fake.instances();
    }

    private void launched(FakeInstance instance) {
        CapacityType type = "spot".equals(instance.marketType()) ? CapacityType.SPOT : CapacityType.ON_DEMAND;
        synchronized (cluster) {
            cluster.launchWorker(instance.availabilityZone(), type, instance.instanceId());
        }
    }

    @Override
    public void close() {
        fake.close();
    }
}
