package dev.k3sautoscaler.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.errors.Ec2Unavailable;
import dev.k3sautoscaler.errors.InvalidStepInput;
import dev.k3sautoscaler.fleet.FleetTags;
import dev.k3sautoscaler.testkit.ec2.Ec2Error;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The tick's IdentifyEventInstance step: the real SDK EC2 client against the testkit's EC2 fake. */
class IdentifyEventInstanceIT {
    private final ReconcileRig rig = new ReconcileRig();

    @AfterEach
    void close() {
        rig.close();
    }

    @Test
    void ourWorker_isOurs_inOneDescribeInstancesById() {
        // GIVEN a running worker of this cluster
        String id = rig.worker();

        // WHEN a Spot warning names it
        IdentifyEventInstanceOutput out = rig.identify(id);

        // THEN the actuation may start, after a single EC2 read of that id
        assertEquals("OURS", out.verdict());
        assertTrue(out.ours());
        assertEquals(id, out.instanceId());
        assertEquals("running", out.state());
        assertEquals(1, rig.ec2.requests("DescribeInstances").size());
    }

    @Test
    void anotherClustersWorker_isNotOurs() {
        String id = rig.instance(Map.of(FleetTags.MANAGED, "true", FleetTags.CLUSTER, "blue"));

        IdentifyEventInstanceOutput out = rig.identify(id);

        assertEquals("OTHER_CLUSTER", out.verdict());
        assertFalse(out.ours());
    }

    @Test
    void anInstanceWithoutOurTags_isNotManaged() {
        String id = rig.instance(Map.of("Name", "bastion"));

        assertEquals("NOT_MANAGED", rig.identify(id).verdict());
    }

    @Test
    void theMaster_isNeverOurs() {
        String id = rig.instance(Map.of(FleetTags.CLUSTER, ReconcileRig.CLUSTER, FleetTags.ROLE, FleetTags.ROLE_MASTER));

        assertEquals("MASTER", rig.identify(id).verdict());
    }

    @Test
    void ourWorker_alreadyTerminated_isNamedSo() {
        // GIVEN our worker, terminated a few minutes ago (EC2 still lists it)
        String id = rig.worker();
        rig.ec2.terminate(id);
        rig.clock.advance(Duration.ofMinutes(5));

        // WHEN a late rebalance recommendation names it
        IdentifyEventInstanceOutput out = rig.identify(id);

        // THEN
        assertEquals("ALREADY_TERMINATED", out.verdict());
        assertEquals("terminated", out.state());
        assertFalse(out.ours());
    }

    @Test
    void anIdEc2DoesNotKnow_isUnknown() {
        IdentifyEventInstanceOutput out = rig.identify("i-00000000000dead01");

        assertEquals("UNKNOWN_INSTANCE", out.verdict());
        assertEquals("not-found", out.state());
    }

    @Test
    void ec2Unreachable_isTheRetryableEc2Unavailable_notAVerdict() {
        // GIVEN EC2 answering 503 to every DescribeInstances, the SDK's own retries included
        String id = rig.worker();
        rig.ec2.failNext("DescribeInstances", 10, Ec2Error.unavailable());

        // WHEN / THEN the step fails with the error the ASL retries, then starts the actuation anyway
        Ec2Unavailable error = assertThrows(Ec2Unavailable.class, () -> rig.identify(id));
        assertTrue(error.getMessage().contains("DescribeInstances"), error.getMessage());
    }

    @Test
    void aMissingInstanceId_isAnInvalidStepInput() {
        InvalidStepInput error = assertThrows(InvalidStepInput.class, () -> rig.identifyJson("{\"execution\": \"t\"}"));

        assertTrue(error.getMessage().contains("instanceId"), error.getMessage());
    }

    @Test
    void theSharedFixture_parses() throws IOException {
        // GIVEN the fixture's instance as one of our workers
        String fixture;
        try (InputStream in = getClass().getResourceAsStream("/events/identify-event-instance.json")) {
            fixture = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        rig.ec2.addInstance("i-0a1b2c3d4e5f00002", "t3.small", "subnet-a", "spot", Map.of(FleetTags.MANAGED, "true",
                FleetTags.CLUSTER, ReconcileRig.CLUSTER));

        // WHEN run with it / THEN
        assertEquals("OURS", rig.identifyJson(fixture).verdict());
    }
}
