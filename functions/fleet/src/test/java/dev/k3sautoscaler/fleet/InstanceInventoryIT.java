package dev.k3sautoscaler.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.lifecycle.InstanceState;
import dev.k3sautoscaler.core.lifecycle.ObservedInstance;
import dev.k3sautoscaler.errors.Ec2Unavailable;
import dev.k3sautoscaler.testkit.TestWorld;
import dev.k3sautoscaler.testkit.ec2.Ec2Error;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the reconcile reads from EC2: every page of this cluster's managed instances, with their states. */
class InstanceInventoryIT {
    private final FleetRig rig = new FleetRig();

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void managed_readsEveryPage_andListsOnlyThisClustersManagedWorkers() {
        // GIVEN twelve managed workers, the master, another cluster's worker, and pages of five
        List<String> workers = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            workers.add(rig.existingWorker(List.of("subnet-a", "subnet-b", "subnet-c").get(i % 3)));
        }
        rig.master();
        rig.ec2.addInstance("t3.small", "subnet-a", "on-demand", Map.of(FleetTags.MANAGED, "true", FleetTags.CLUSTER, "staging"));
        rig.pageSize = 5;

        // WHEN the managed instances are listed
        List<ObservedInstance> managed = rig.inventory().managed();

        // THEN all twelve come back, running and tagged ours, over three DescribeInstances pages
        assertEquals(workers.stream().sorted().toList(), managed.stream().map(ObservedInstance::instanceId).sorted().toList());
        assertTrue(managed.stream().allMatch(i -> i.state() == InstanceState.RUNNING && i.managed() && !i.master()));
        assertEquals(3, rig.ec2.requests("DescribeInstances").size());
        assertEquals("5", rig.ec2.requests("DescribeInstances").getFirst().get("MaxResults"));
    }

    @Test
    void managed_reportsStatesAsTheyAdvance_andShuttingDownOnes() {
        // GIVEN one worker launched just now and one being terminated
        rig.launch("exec-up", 1);
        String leaving = rig.existingWorker("subnet-b");
        rig.ec2.terminate(leaving);

        // WHEN listed now and after the boot delay
        List<ObservedInstance> booting = rig.inventory().managed();
        rig.clock.advance(Duration.ofMinutes(1));
        List<ObservedInstance> booted = rig.inventory().managed();

        // THEN the new worker goes pending → running, with its type, capacity type and launch time;
        // the leaving one is shutting-down (the reconcile must know it is on its way out, not gone)
        ObservedInstance launching = booting.stream().filter(i -> !i.instanceId().equals(leaving)).findFirst().orElseThrow();
        assertEquals(InstanceState.PENDING, launching.state());
        ObservedInstance worker = booted.stream().filter(i -> i.instanceId().equals(launching.instanceId())).findFirst().orElseThrow();
        assertEquals(InstanceState.RUNNING, worker.state());
        assertEquals("t3.small", worker.instanceType());
        assertEquals("on-demand", worker.capacityType());
        assertEquals(TestWorld.T0, worker.launchTime());
        assertEquals(InstanceState.SHUTTING_DOWN, booting.stream().filter(i -> i.instanceId().equals(leaving))
                .findFirst().orElseThrow().state());
    }

    @Test
    void managed_endsWithRetryableEc2Unavailable_onThrottlingAndCutOffAnswers() {
        // GIVEN EC2 throttles every call, then answers with cut-off XML
        rig.ec2.failNext("DescribeInstances", Ec2Fleet.SDK_MAX_ATTEMPTS, Ec2Error.throttled());

        // WHEN listed twice
        Ec2Unavailable throttled = assertThrows(Ec2Unavailable.class, () -> rig.inventory().managed());
        rig.ec2.malformedNext("DescribeInstances", Ec2Fleet.SDK_MAX_ATTEMPTS);
        Ec2Unavailable cutOff = assertThrows(Ec2Unavailable.class, () -> rig.inventory().managed());

        // THEN both are the named retryable error, saying what happened
        assertTrue(throttled.getMessage().contains("RequestLimitExceeded (HTTP 503)"), throttled.getMessage());
        assertTrue(cutOff.getMessage().contains("no usable answer"), cutOff.getMessage());
        assertTrue(rig.inventory().managed().isEmpty());
    }
}
