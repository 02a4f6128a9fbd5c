package dev.k3sautoscaler.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.errors.Ec2Unavailable;
import dev.k3sautoscaler.testkit.ec2.Ec2Error;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DescribeWorkersIT {
    private final FleetRig rig = new FleetRig();

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void describe_readsEveryPage_andListsOnlyThisClustersManagedWorkers() {
        // GIVEN twelve managed workers, the master, another cluster's worker, and pages of five
        List<String> workers = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            workers.add(rig.existingWorker(List.of("subnet-a", "subnet-b", "subnet-c").get(i % 3)));
        }
        rig.master();
        rig.ec2.addInstance("t3.small", "subnet-a", "on-demand", Map.of(FleetTags.MANAGED, "true", FleetTags.CLUSTER, "staging"));
        rig.pageSize = 5;

        // WHEN the workers are described
        DescribeWorkersOutput output = rig.describe();

        // THEN all twelve come back, over three DescribeInstances pages
        assertEquals(workers.stream().sorted().toList(), output.workers().stream().map(Worker::instanceId).sorted().toList());
        assertEquals(3, rig.ec2.requests("DescribeInstances").size());
        assertEquals("5", rig.ec2.requests("DescribeInstances").getFirst().get("MaxResults"));
        assertEquals("12 managed workers {running=12}", output.reason());
    }

    @Test
    void describe_reportsStatesAsTheyAdvance_andDropsShuttingDownWorkers() {
        // GIVEN one worker launched just now and one being terminated
        rig.launch("exec-up", 1);
        String leaving = rig.existingWorker("subnet-b");
        rig.ec2.terminate(leaving);

        // WHEN described now and after the boot delay
        DescribeWorkersOutput booting = rig.describe();
        rig.clock.advance(Duration.ofMinutes(1));
        DescribeWorkersOutput booted = rig.describe();

        // THEN the new worker goes pending → running, with its type, AZ, capacity type and launch time
        assertEquals(List.of("pending"), booting.workers().stream().map(Worker::state).toList());
        Worker worker = booted.workers().getFirst();
        assertEquals("running", worker.state());
        assertEquals("t3.small", worker.instanceType());
        assertEquals("on-demand", worker.capacityType());
        assertEquals(FleetRig.T0, worker.launchTime());
        assertEquals(1, booted.workers().size());
    }

    @Test
    void describe_endsWithRetryableEc2Unavailable_onThrottlingAndCutOffAnswers() {
        // GIVEN EC2 throttles every call, then answers with cut-off XML
        rig.ec2.failNext("DescribeInstances", Ec2Fleet.SDK_MAX_ATTEMPTS, Ec2Error.throttled());

        // WHEN described twice
        Ec2Unavailable throttled = assertThrows(Ec2Unavailable.class, rig::describe);
        rig.ec2.malformedNext("DescribeInstances", Ec2Fleet.SDK_MAX_ATTEMPTS);
        Ec2Unavailable cutOff = assertThrows(Ec2Unavailable.class, rig::describe);

        // THEN both are the named retryable error, saying what happened
        assertTrue(throttled.getMessage().contains("RequestLimitExceeded (HTTP 503)"), throttled.getMessage());
        assertTrue(cutOff.getMessage().contains("no usable answer"), cutOff.getMessage());
        assertTrue(rig.describe().workers().isEmpty());
    }
}
