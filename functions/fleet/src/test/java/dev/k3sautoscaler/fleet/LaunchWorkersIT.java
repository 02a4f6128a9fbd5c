package dev.k3sautoscaler.fleet;

import static dev.k3sautoscaler.testkit.TestWorld.AZ_A;
import static dev.k3sautoscaler.testkit.TestWorld.AZ_B;
import static dev.k3sautoscaler.testkit.TestWorld.AZ_C;
import static dev.k3sautoscaler.testkit.TestWorld.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.fleet.FleetWording;
import dev.k3sautoscaler.core.fleet.LaunchOutcome;
import dev.k3sautoscaler.errors.Ec2AccessDenied;
import dev.k3sautoscaler.errors.Ec2RequestRejected;
import dev.k3sautoscaler.errors.Ec2Unavailable;
import dev.k3sautoscaler.errors.IdempotencyInProgress;
import dev.k3sautoscaler.errors.InvalidStepInput;
import dev.k3sautoscaler.errors.LockLost;
import dev.k3sautoscaler.state.StateReader;
import dev.k3sautoscaler.testkit.ec2.Ec2Error;
import dev.k3sautoscaler.testkit.ec2.FakeInstance;
import dev.k3sautoscaler.testkit.ec2.QueryRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LaunchWorkersIT {
    private final FleetRig rig = new FleetRig();

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void launch_spreadsOverAzs_fewestWorkersFirst() {
        // GIVEN two workers in a, one in b, none in c
        rig.existingWorker("subnet-a");
        rig.existingWorker("subnet-a");
        rig.existingWorker("subnet-b");

        // WHEN three workers are launched
        LaunchWorkersOutput output = rig.launch("exec-1", 3);

        // THEN c gets two and b one, so each AZ ends with two
        assertEquals(LaunchOutcome.Code.LAUNCHED, output.outcome());
        assertEquals(Map.of(AZ_B, 1L, AZ_C, 2L), perZone(output.launched()));
        assertEquals(List.of(), output.failedOfferings());
        output.launched().forEach(worker -> {
            assertEquals("t3.small", worker.instanceType());
            assertEquals("on-demand", worker.capacityType());
            assertEquals(T0, worker.launchedAt());
        });
    }

    @Test
    void launch_tagsInstancesAndVolumesAtomically_fromTheLaunchTemplate() {
        // WHEN one worker is launched
        LaunchWorkersOutput output = rig.launch("exec-tags", 1);

        // THEN the instance and its volumes carry the managed, cluster and launched-by tags from the RunInstances call itself
        FakeInstance instance = rig.ec2.instance(output.launched().getFirst().instanceId());
        Map<String, String> expected = Map.of(FleetTags.MANAGED, "true", FleetTags.CLUSTER, "demo",
                FleetTags.LAUNCHED_BY, "exec-tags", FleetTags.NAME, "demo-worker");
        assertEquals(expected, instance.tags());
        assertEquals(expected, instance.volumeTags());
        assertEquals(FleetRig.TEMPLATE_ID, instance.launchTemplateId());
        assertEquals(List.of(), rig.ec2.requests("CreateTags"));
        QueryRequest run = rig.ec2.requests("RunInstances").getFirst();
        assertEquals("$Default", run.get("LaunchTemplate.Version"));
        assertEquals(64, run.get("ClientToken").length());
        assertFalse(run.params().containsKey("UserData"));
    }

    @Test
    void launch_retriedAfterItCompleted_replaysTheStoredResult_withoutCallingEc2() {
        // GIVEN a first attempt launched three workers
        LaunchWorkersOutput first = rig.launch("exec-retry", 3);
        int calls = rig.ec2.requests().size();

        // WHEN Step Functions retries the step with the same input (say the first answer was lost in a timeout)
        LaunchWorkersOutput retry = rig.launch("exec-retry", 3);

        // THEN the stored result comes back, EC2 is not called, and the reason says so
        assertEquals(first.launched(), retry.launched());
        assertEquals(calls, rig.ec2.requests().size());
        assertEquals(3, rig.ec2.instances().size());
        assertEquals(first.outcome(), retry.outcome());
        assertTrue(retry.reason().endsWith(FleetWording.REPLAYED), retry.reason());
    }

    @Test
    void launch_retriedAfterFailingHalfWay_beforeDescribeSeesTheFirstLaunches_getsThemBackByClientToken() {
        // GIVEN DescribeInstances lags behind RunInstances, and the first attempt's second RunInstances keeps failing
        rig.ec2.describeLag(Duration.ofSeconds(30));
        rig.ec2.onLaunch(launched -> {
            if (rig.ec2.requests("RunInstances").size() == 1) {
                rig.ec2.failNext("RunInstances", Ec2Fleet.SDK_MAX_ATTEMPTS, Ec2Error.unavailable());
            }
        });
        assertThrows(Ec2Unavailable.class, () -> rig.launch("exec-halfway", 3));
        List<String> startedByFirstAttempt = rig.ec2.instances().stream().map(FakeInstance::instanceId).toList();

        // WHEN the step is retried in the same execution, before the launches are visible
        LaunchWorkersOutput retry = rig.launch("exec-halfway", 3);

        // THEN the same ClientToken returns the instances the first attempt started, and only the rest are new
        assertEquals(3, rig.ec2.instances().size());
        assertEquals(3, retry.launched().size());
        assertTrue(ids(retry.launched()).containsAll(startedByFirstAttempt), retry.launched() + " vs " + startedByFirstAttempt);
        assertEquals(LaunchOutcome.Code.LAUNCHED, retry.outcome());
    }

    @Test
    void launch_retriedAfterFailingHalfWay_countsTheVisibleFirstLaunches_towardTheTotal() {
        // GIVEN the first attempt started some workers, then EC2 failed
        rig.ec2.onLaunch(launched -> {
            if (rig.ec2.requests("RunInstances").size() == 1) {
                rig.ec2.failNext("RunInstances", Ec2Fleet.SDK_MAX_ATTEMPTS, Ec2Error.unavailable());
            }
        });
        assertThrows(Ec2Unavailable.class, () -> rig.launch("exec-halfway", 3));
        int startedByFirstAttempt = rig.ec2.instances().size();

        // WHEN the step is retried once they are visible
        LaunchWorkersOutput retry = rig.launch("exec-halfway", 3);

        // THEN they count toward the three (found by the launched-by tag) and only the rest are launched
        assertEquals(3, rig.ec2.instances().size());
        assertEquals(3, retry.launched().size());
        assertTrue(retry.reason().contains(startedByFirstAttempt + " already started by this execution"), retry.reason());
    }

    @Test
    void launch_retriedWhileTheFirstAttemptStillRuns_endsWithRetryableIdempotencyInProgress() {
        // GIVEN a retry arrives while the first attempt is inside RunInstances
        List<RuntimeException> retryErrors = new java.util.concurrent.CopyOnWriteArrayList<>();
        rig.ec2.onLaunch(launched -> {
            if (retryErrors.isEmpty()) {
                try {
                    rig.launch("exec-overlap", 1);
                } catch (RuntimeException e) {
                    retryErrors.add(e);
                }
            }
        });

        // WHEN the first attempt finishes
        LaunchWorkersOutput first = rig.launch("exec-overlap", 1);

        // THEN the overlapping retry was turned away with the named retryable error, and one worker exists
        assertEquals(IdempotencyInProgress.class, retryErrors.getFirst().getClass());
        assertTrue(((IdempotencyInProgress) retryErrors.getFirst()).retryable());
        assertEquals(1, first.launched().size());
        assertEquals(1, rig.ec2.instances().size());
    }

    @Test
    void launch_fallsOverToTheNextAz_andReportsTheFailedOffering_whenOneAzHasNoCapacity() {
        // GIVEN AZ a has no t3.small and only one type is allowed
        rig.with(FleetSettings.WORKER_INSTANCE_TYPES, "t3.small");
        rig.ec2.capacity("t3.small", AZ_A, "on-demand", 0);

        // WHEN three workers are launched
        LaunchWorkersOutput output = rig.launch("exec-ice", 3);

        // THEN b and c take them all, and a is reported with EC2's code and the time to skip it until
        assertEquals(LaunchOutcome.Code.LAUNCHED, output.outcome());
        assertEquals(Map.of(AZ_B, 2L, AZ_C, 1L), perZone(output.launched()));
        assertEquals(List.of(new FailedOffering("t3.small", AZ_A, "on-demand", "InsufficientInstanceCapacity",
                T0.plusSeconds(180))), output.failedOfferings());
        // EC2 sends capacity errors as HTTP 500; the SDK must not spend its retries on them
        assertEquals(1, rig.ec2.requests("RunInstances").stream().filter(r -> "subnet-a".equals(r.get("SubnetId"))).count());
    }

    @Test
    void launch_triesTheNextInstanceTypeInTheSameAz_beforeGivingUpOnIt() {
        // GIVEN only AZ a is configured and it has no t3.small
        rig.with(FleetSettings.WORKER_SUBNET_IDS, "subnet-a:" + AZ_A);
        rig.ec2.capacity("t3.small", AZ_A, "on-demand", 0);

        // WHEN one worker is launched
        LaunchWorkersOutput output = rig.launch("exec-type", 1);

        // THEN it is a t3a.small in a
        assertEquals("t3a.small", output.launched().getFirst().instanceType());
        assertEquals(1, output.failedOfferings().size());
    }

    @Test
    void launch_reportsPartial_whenCapacityRunsOutBeforeAllAreLaunched() {
        // GIVEN room for one t3.small in a and none anywhere else
        rig.with(FleetSettings.WORKER_INSTANCE_TYPES, "t3.small");
        rig.ec2.capacity("t3.small", AZ_A, "on-demand", 1)
                .capacity("t3.small", AZ_B, "on-demand", 0)
                .capacity("t3.small", AZ_C, "on-demand", 0);

        // WHEN three are asked for
        LaunchWorkersOutput output = rig.launch("exec-partial", 3);

        // THEN one is launched and the outcome says PARTIAL, naming every offering that ran out
        assertEquals(LaunchOutcome.Code.PARTIAL, output.outcome());
        assertEquals(1, output.launched().size());
        assertEquals(3, output.requested());
        assertEquals(List.of(AZ_A, AZ_B, AZ_C), output.failedOfferings().stream().map(FailedOffering::availabilityZone).sorted().toList());
    }

    @Test
    void launch_answersNoneWithEveryRefusedOffering_whenAllAreExhausted() {
        // GIVEN no capacity for either type in any AZ
        for (String type : List.of("t3.small", "t3a.small")) {
            for (String az : List.of(AZ_A, AZ_B, AZ_C)) {
                rig.ec2.capacity(type, az, "on-demand", 0);
            }
        }

        // WHEN two workers are launched
        LaunchWorkersOutput output = rig.launch("exec-none", 2);

        // THEN the step answers NONE (not an error), carrying all six offerings for the state to skip until
        // OFFERING_UNAVAILABLE_SEC (180 s) from now, each asked once
        assertEquals(LaunchOutcome.Code.NONE, output.outcome());
        assertEquals(List.of(), output.launched());
        assertEquals(2, output.requested());
        assertEquals(6, output.failedOfferings().size());
        for (String type : List.of("t3.small", "t3a.small")) {
            for (String az : List.of(AZ_A, AZ_B, AZ_C)) {
                assertTrue(output.failedOfferings().contains(new FailedOffering(type, az, "on-demand",
                        "InsufficientInstanceCapacity", T0.plusSeconds(180))), output.failedOfferings().toString());
            }
        }
        assertEquals(6, rig.ec2.requests("RunInstances").size());
        assertEquals(List.of(), rig.ec2.instances());
    }

    @Test
    void launch_answersNoneWithoutCallingEc2_whenTheStateRemembersEveryOffering() {
        // GIVEN one type in one AZ, remembered as unavailable until later
        rig.with(FleetSettings.WORKER_INSTANCE_TYPES, "t3.small");
        rig.with(FleetSettings.WORKER_SUBNET_IDS, "subnet-a:" + AZ_A);
        String input = """
                {"execution":"exec-all-skipped","count":1,"reason":"test",%s,"unavailableOfferings":[
                  {"instanceType":"t3.small","availabilityZone":"eu-west-1a","capacityType":"on-demand","until":"2026-11-23T10:02:00Z","reason":"InsufficientInstanceCapacity"}]}""".formatted(rig.leaseJson());

        // WHEN a worker is launched
        LaunchWorkersOutput output = FleetRig.run(rig.launchHandler(), LaunchWorkersOutput.class, input);

        // THEN NONE, nothing newly refused, and EC2 not asked
        assertEquals(LaunchOutcome.Code.NONE, output.outcome());
        assertEquals(List.of(), output.failedOfferings());
        assertEquals(List.of(), rig.ec2.requests("RunInstances"));
        assertEquals(FleetWording.launch(new LaunchOutcome.None(1, List.of(), List.of("t3.small@eu-west-1a/on-demand"))),
                output.reason());
    }

    @Test
    void launch_skipsOfferingsTheStateStillRemembers_andRetriesExpiredOnes() {
        // GIVEN a is remembered as unavailable until later, b's memory has expired
        rig.with(FleetSettings.WORKER_INSTANCE_TYPES, "t3.small");
        rig.with(FleetSettings.WORKER_SUBNET_IDS, "subnet-a:" + AZ_A + ",subnet-b:" + AZ_B);
        String input = """
                {"execution":"exec-skip","count":2,"reason":"test",%s,"unavailableOfferings":[
                  {"instanceType":"t3.small","availabilityZone":"eu-west-1a","capacityType":"on-demand","until":"2026-11-23T10:02:00Z","reason":"InsufficientInstanceCapacity"},
                  {"instanceType":"t3.small","availabilityZone":"eu-west-1b","capacityType":"on-demand","until":"2026-11-23T09:59:00Z","reason":"InsufficientInstanceCapacity"}]}""".formatted(rig.leaseJson());

        // WHEN two workers are launched
        LaunchWorkersOutput output = FleetRig.run(rig.launchHandler(), LaunchWorkersOutput.class, input);

        // THEN a is not even asked; both go to b
        assertEquals(Map.of(AZ_B, 2L), perZone(output.launched()));
        assertTrue(rig.ec2.requests("RunInstances").stream().noneMatch(r -> "subnet-a".equals(r.get("SubnetId"))));
    }

    @Test
    void launch_inSpotMode_requestsOneTimeSpotInstances() {
        // GIVEN spot capacity
        rig.with(FleetSettings.CAPACITY_TYPE, "spot");

        // WHEN a worker is launched
        LaunchWorkersOutput output = rig.launch("exec-spot", 1);

        // THEN it is a spot instance, asked for through InstanceMarketOptions
        assertEquals("spot", output.launched().getFirst().capacityType());
        QueryRequest run = rig.ec2.requests("RunInstances").getFirst();
        assertEquals("spot", run.get("InstanceMarketOptions.MarketType"));
        assertEquals("one-time", run.get("InstanceMarketOptions.SpotOptions.SpotInstanceType"));
    }

    @Test
    void launch_withOnDemandFallback_usesOnDemand_onlyWhenNoSpotOfferingIsLeft() {
        // GIVEN no spot capacity anywhere
        rig.with(FleetSettings.CAPACITY_TYPE, "spot-with-on-demand-fallback");
        for (String type : List.of("t3.small", "t3a.small")) {
            for (String az : List.of(AZ_A, AZ_B, AZ_C)) {
                rig.ec2.capacity(type, az, "spot", 0);
            }
        }

        // WHEN two workers are launched
        LaunchWorkersOutput output = rig.launch("exec-fallback", 2);

        // THEN they are on-demand, spread over a and b, and all six spot offerings are reported
        assertEquals(LaunchOutcome.Code.LAUNCHED, output.outcome());
        assertEquals(List.of("on-demand", "on-demand"), output.launched().stream().map(LaunchedWorker::capacityType).toList());
        assertEquals(Map.of(AZ_A, 1L, AZ_B, 1L), perZone(output.launched()));
        assertEquals(6, output.failedOfferings().size());
        assertTrue(output.failedOfferings().stream().allMatch(failed -> failed.capacityType().equals("spot")));
    }

    @Test
    void launch_survivesBriefThrottling_withoutLaunchingTwice() {
        // GIVEN EC2 throttles the first two RunInstances calls
        rig.ec2.failNext("RunInstances", 2, Ec2Error.throttled());

        // WHEN one worker is launched
        LaunchWorkersOutput output = rig.launch("exec-throttle", 1);

        // THEN the SDK's retries (same ClientToken) get it, once
        assertEquals(1, output.launched().size());
        assertEquals(1, rig.ec2.instances().size());
    }

    @Test
    void launch_endsWithRetryableEc2Unavailable_whenEc2KeepsAnswering5xx() {
        // GIVEN EC2 answers every RunInstances with 503 Unavailable
        rig.ec2.failNext("RunInstances", 100, Ec2Error.unavailable());

        // WHEN a worker is launched
        Ec2Unavailable error = assertThrows(Ec2Unavailable.class, () -> rig.launch("exec-5xx", 1));

        // THEN the step fails with the named retryable error after the SDK's three attempts
        assertTrue(error.retryable());
        assertTrue(error.getMessage().contains("Unavailable (HTTP 503)"), error.getMessage());
        assertEquals(Ec2Fleet.SDK_MAX_ATTEMPTS, rig.ec2.requests("RunInstances").size());
    }

    @Test
    void launch_endsWithRetryableEc2Unavailable_whenTheAnswerIsCutOff() {
        // GIVEN every DescribeInstances answer is truncated XML
        rig.ec2.malformedNext("DescribeInstances", 100);

        // WHEN a worker is launched
        Ec2Unavailable error = assertThrows(Ec2Unavailable.class, () -> rig.launch("exec-malformed", 1));

        // THEN the unreadable answer is a named retryable error, and nothing was launched
        assertTrue(error.retryable());
        assertEquals(List.of(), rig.ec2.requests("RunInstances"));
    }

    @Test
    void launch_endsWithEc2AccessDenied_namingThePermission_whenTheRoleMayNotRunInstances() {
        // GIVEN the role lacks ec2:RunInstances
        rig.ec2.failNext("RunInstances", 1, Ec2Error.unauthorized("RunInstances"));

        // WHEN a worker is launched
        Ec2AccessDenied error = assertThrows(Ec2AccessDenied.class, () -> rig.launch("exec-denied", 1));

        // THEN the named error is not retryable and says which permission is missing
        assertFalse(error.retryable());
        assertTrue(error.getMessage().contains("ec2:RunInstances"), error.getMessage());
        assertEquals(1, rig.ec2.requests("RunInstances").size());
    }

    @Test
    void launch_endsWithEc2RequestRejected_whenTheLaunchTemplateDoesNotExist() {
        // GIVEN a launch template name EC2 does not know
        rig.with(FleetSettings.WORKER_LAUNCH_TEMPLATE, "deleted-template");

        // WHEN a worker is launched
        Ec2RequestRejected error = assertThrows(Ec2RequestRejected.class, () -> rig.launch("exec-lt", 1));

        // THEN the named non-retryable error carries EC2's code, after a single attempt
        assertFalse(error.retryable());
        assertTrue(error.getMessage().contains("InvalidLaunchTemplateName.NotFoundException"), error.getMessage());
        assertEquals(1, rig.ec2.requests("RunInstances").size());
        assertEquals("deleted-template", rig.ec2.requests("RunInstances").getFirst().get("LaunchTemplate.LaunchTemplateName"));
    }

    @Test
    void launch_rejectsAnInputWithoutCountOrExecution_beforeCallingEc2() {
        // WHEN the input lacks the execution and asks for zero workers
        InvalidStepInput error = assertThrows(InvalidStepInput.class,
                () -> FleetRig.run(rig.launchHandler(), LaunchWorkersOutput.class, "{\"count\":0}"));

        // THEN every problem is named, and EC2 was not asked
        assertTrue(error.getMessage().contains("execution is required"), error.getMessage());
        assertTrue(error.getMessage().contains("lease is required"), error.getMessage());
        assertTrue(error.getMessage().contains("count must be 1..100 (was 0)"), error.getMessage());
        assertEquals(List.of(), rig.ec2.requests());
    }

    private static Map<String, Long> perZone(List<LaunchedWorker> launched) {
        return launched.stream().collect(Collectors.groupingBy(LaunchedWorker::availabilityZone, Collectors.counting()));
    }

    private static List<String> ids(List<LaunchedWorker> launched) {
        return launched.stream().map(LaunchedWorker::instanceId).toList();
    }

    @Test
    void launch_underALeaseAnotherExecutionTookOver_endsLockLost_beforeRunInstances() {
        // GIVEN our lease expired while the step was delayed, and another execution acquired the lock
        rig.lease();
        rig.clock.advance(Duration.ofSeconds(301));
        rig.lock.acquire("the-next-actuation");

        // WHEN the launch runs under the old lease
        LockLost error = assertThrows(LockLost.class, () -> rig.launch("exec-stale", 1));

        // THEN EC2 was never asked, and the error names the new holder
        assertEquals(List.of(), rig.ec2.requests("RunInstances"));
        assertTrue(error.getMessage().contains("the-next-actuation"), error.getMessage());
    }

    @Test
    void launch_underAnExpiredLeaseNobodyTook_extendsItAndLaunches() {
        // GIVEN our lease expired but no one acquired the lock since (its token is still the current one)
        rig.lease();
        rig.clock.advance(Duration.ofSeconds(301));

        // WHEN the launch runs
        LaunchWorkersOutput output = rig.launch("exec-late", 1);

        // THEN it launched, and the lease runs again for LOCK_TTL_SEC from now
        assertEquals(1, output.launched().size());
        assertEquals(rig.clock.instant().plusSeconds(300).getEpochSecond(),
                new StateReader(rig.state).load().lockExpiresAt().getEpochSecond());
    }
}
