package dev.k3sautoscaler.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.fleet.FleetWording;
import dev.k3sautoscaler.core.fleet.TerminateOutcome;
import dev.k3sautoscaler.errors.Ec2Unavailable;
import dev.k3sautoscaler.errors.InvalidStepInput;
import dev.k3sautoscaler.errors.LockLost;
import dev.k3sautoscaler.errors.RefusedToTerminate;
import dev.k3sautoscaler.testkit.ec2.Ec2Error;
import dev.k3sautoscaler.testkit.ec2.Ec2Fake;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TerminateWorkersIT {
    private final FleetRig rig = new FleetRig();

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void terminate_stopsAManagedWorker_ofThisCluster() {
        // GIVEN a running managed worker
        String worker = rig.existingWorker("subnet-a");

        // WHEN it is terminated
        TerminateWorkersOutput output = rig.terminate("exec-down", worker);

        // THEN EC2 is shutting it down and the output says so
        assertEquals(List.of(worker), output.terminated());
        assertEquals(List.of(), output.alreadyGone());
        assertEquals(TerminateOutcome.Code.TERMINATING, output.outcome(), output.reason());
        assertEquals("shutting-down", rig.ec2.instance(worker).state());
        rig.clock.advance(Duration.ofMinutes(2));
        assertEquals("terminated", rig.ec2.instance(worker).state());
    }

    @Test
    void terminate_refusesTheMaster_evenWhenItIsTaggedManaged_andTerminatesNothing() {
        // GIVEN a worker and a master that someone tagged managed by mistake
        String worker = rig.existingWorker("subnet-a");
        String master = rig.ec2.addInstance("t3.medium", "subnet-m", "on-demand", Map.of(FleetTags.ROLE, FleetTags.ROLE_MASTER,
                FleetTags.MANAGED, "true", FleetTags.CLUSTER, FleetRig.CLUSTER));

        // WHEN both are asked to be terminated
        RefusedToTerminate error = assertThrows(RefusedToTerminate.class, () -> rig.terminate("exec-bad", worker, master));

        // THEN the named error names the master, and not even the worker was terminated
        assertFalse(error.retryable());
        assertTrue(error.getMessage().contains(master + " (the master)"), error.getMessage());
        assertEquals(List.of(), rig.ec2.requests("TerminateInstances"));
        assertEquals("running", rig.ec2.instance(worker).state());
        assertEquals("running", rig.ec2.instance(master).state());
    }

    @Test
    void terminate_refusesUnmanagedInstances_andOtherClustersWorkers() {
        // GIVEN the untagged master, another team's box and another cluster's worker
        String master = rig.master();
        String foreign = rig.ec2.addInstance("m5.large", "subnet-b", "on-demand", Map.of(FleetTags.NAME, "build-runner"));
        String otherCluster = rig.ec2.addInstance("t3.small", "subnet-c", "on-demand",
                Map.of(FleetTags.MANAGED, "true", FleetTags.CLUSTER, "staging"));

        // WHEN they are asked to be terminated
        RefusedToTerminate error = assertThrows(RefusedToTerminate.class,
                () -> rig.terminate("exec-bad", master, foreign, otherCluster));

        // THEN each is refused with its reason and all keep running
        assertTrue(error.getMessage().contains(master + " (the master)"), error.getMessage());
        assertTrue(error.getMessage().contains(foreign + " (not managed by the autoscaler)"), error.getMessage());
        assertTrue(error.getMessage().contains(otherCluster + " (belongs to cluster staging)"), error.getMessage());
        assertTrue(rig.ec2.instances().stream().allMatch(instance -> instance.state().equals("running")));
    }

    @Test
    void terminate_ofAnInstanceAlreadyShuttingDownOrTerminated_isDone_withoutCallingTerminateAgain() {
        // GIVEN a worker that one execution terminated
        String worker = rig.existingWorker("subnet-a");
        rig.terminate("exec-down", worker);

        // WHEN later executions ask again, while it shuts down and after it is terminated
        TerminateWorkersOutput whileShuttingDown = rig.terminate("exec-spot-warning", worker);
        rig.clock.advance(Duration.ofMinutes(5));
        TerminateWorkersOutput afterTerminated = rig.terminate("exec-join-timeout", worker);

        // THEN both succeed, reporting it as already gone
        assertEquals(List.of(worker), whileShuttingDown.alreadyGone());
        assertEquals(List.of(worker), afterTerminated.alreadyGone());
        assertEquals(List.of(), afterTerminated.terminated());
        assertEquals(TerminateOutcome.Code.NOTHING_TO_TERMINATE, afterTerminated.outcome(), afterTerminated.reason());
        assertEquals(1, rig.ec2.requests("TerminateInstances").size());
    }

    @Test
    void terminate_retriedInTheSameExecution_replaysTheStoredResult() {
        // GIVEN a completed terminate
        String worker = rig.existingWorker("subnet-a");
        TerminateWorkersOutput first = rig.terminate("exec-down", worker);
        int calls = rig.ec2.requests().size();

        // WHEN Step Functions retries it with the same input
        TerminateWorkersOutput retry = rig.terminate("exec-down", worker);

        // THEN the first answer is replayed, EC2 is not called
        assertEquals(first.terminated(), retry.terminated());
        assertEquals(calls, rig.ec2.requests().size());
        assertEquals(first.outcome(), retry.outcome());
        assertTrue(retry.reason().endsWith(FleetWording.REPLAYED), retry.reason());
    }

    @Test
    void terminate_countsAnInstanceEc2NoLongerKnows_asAlreadyGone() {
        // GIVEN a worker terminated so long ago that EC2 no longer lists it, and an id EC2 never knew
        String worker = rig.existingWorker("subnet-a");
        rig.ec2.terminate(worker);
        rig.clock.advance(Ec2Fake.TERMINATED_VISIBLE.plusMinutes(5));

        // WHEN both are terminated
        TerminateWorkersOutput output = rig.terminate("exec-late", worker, "i-0aaaaaaaaaaaaaaaa");

        // THEN both are done
        assertEquals(List.of(worker, "i-0aaaaaaaaaaaaaaaa"), output.alreadyGone());
        assertEquals(List.of(), output.terminated());
    }

    @Test
    void terminate_rejectsIdsThatAreNotInstanceIds_beforeCallingEc2() {
        // WHEN the input carries something that is not an instance id
        InvalidStepInput error = assertThrows(InvalidStepInput.class, () -> rig.terminate("exec-x", "i-0abc12345678", "*"));

        // THEN it is bad input, named, and EC2 was not asked
        assertTrue(error.getMessage().contains("'*'"), error.getMessage());
        assertEquals(List.of(), rig.ec2.requests());
    }

    @Test
    void terminate_endsWithRetryableEc2Unavailable_whenTerminateInstancesKeepsFailing() {
        // GIVEN EC2 answers TerminateInstances with 500 InternalError
        String worker = rig.existingWorker("subnet-a");
        rig.ec2.failNext("TerminateInstances", Ec2Fleet.SDK_MAX_ATTEMPTS, Ec2Error.internal());

        // WHEN it is terminated, and the step retried once EC2 recovers
        Ec2Unavailable error = assertThrows(Ec2Unavailable.class, () -> rig.terminate("exec-5xx", worker));
        TerminateWorkersOutput retry = rig.terminate("exec-5xx", worker);


        // THEN the first ends with the named retryable error after the SDK's attempts, and the retry terminates it
        assertTrue(error.retryable());
        assertTrue(error.getMessage().contains("InternalError (HTTP 500)"), error.getMessage());
        assertEquals(List.of(worker), retry.terminated());
    }

    @Test
    void terminate_underALeaseAnotherExecutionTookOver_endsLockLost_andTerminatesNothing() {
        // GIVEN a worker, and our lease taken over by another execution after it expired
        String worker = rig.existingWorker("subnet-a");
        rig.lease();
        rig.clock.advance(Duration.ofSeconds(301));
        rig.lock.acquire("the-next-actuation");

        // WHEN the terminate runs under the old lease
        assertThrows(LockLost.class, () -> rig.terminate("exec-stale", worker));

        // THEN the worker still runs and EC2 was never asked to terminate anything
        assertTrue(rig.ec2.instance(worker).isAlive());
        assertEquals(0, rig.ec2.requests("TerminateInstances").size());
    }
}
