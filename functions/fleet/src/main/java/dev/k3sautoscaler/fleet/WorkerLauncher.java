package dev.k3sautoscaler.fleet;

import dev.k3sautoscaler.contract.CapacityMode;
import dev.k3sautoscaler.core.fleet.LaunchOutcome;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Launches N workers over the offerings (instance type × AZ × capacity type):
 * <ol>
 *   <li>capacity types in {@link CapacityMode#tiers()} order (spot before on-demand in the fallback mode);</li>
 *   <li>within a type, new workers spread over AZs, fewest managed workers first ({@link AzSpread});</li>
 *   <li>within an AZ, instance types in configured order;</li>
 *   <li>an offering that answers with a capacity error is dropped for this call and reported, and its
 *       share moves to the next offering; offerings the state still remembers as failing are skipped.</li>
 * </ol>
 * Not one worker started is the outcome NONE, still carrying the refused offerings for the state.
 * Idempotency: instances this execution already launched (found by the launched-by tag) count
 * toward N, and each RunInstances carries a ClientToken derived from the execution and its place in
 * the plan, so a retried step that cannot see its first launches yet (DescribeInstances is eventually
 * consistent) sends the same tokens and EC2 answers with the same instances.
 */
final class WorkerLauncher {
    static final List<String> ALIVE_STATES = List.of("pending", "running");

    private final Ec2Fleet fleet;
    private final FleetSettings settings;
    private final Clock clock;

    WorkerLauncher(Ec2Fleet fleet, FleetSettings settings, Clock clock) {
        this.fleet = fleet;
        this.settings = settings;
        this.clock = clock;
    }

    LaunchWorkersOutput launch(LaunchWorkersInput input) {
        Instant now = clock.instant();
        List<Ec2Instance> alive = fleet.managedWorkers(ALIVE_STATES);
        List<LaunchedWorker> launched = new ArrayList<>(alive.stream()
                .filter(instance -> input.execution().equals(instance.tag(FleetTags.LAUNCHED_BY)))
                .map(Ec2Instance::toLaunched).toList());
        int alreadyLaunched = launched.size();
        Map<String, Integer> perZone = new HashMap<>();
        alive.forEach(instance -> perZone.merge(instance.availabilityZone(), 1, Integer::sum));

        Set<Offering> dropped = new HashSet<>();
        List<Offering> skipped = new ArrayList<>();
        List<FailedOffering> failed = new ArrayList<>();
        int callIndex = 0;
        for (String capacityType : settings.capacityMode().tiers()) {
            for (Offering offering : settings.offerings(capacityType)) {
                if (input.unavailableOfferings().stream().anyMatch(gone -> gone.isActive(now) && offering.sameAs(gone))) {
                    dropped.add(offering);
                    skipped.add(offering);
                }
            }
            while (launched.size() < input.count()) {
                List<Offering> usable = settings.offerings(capacityType).stream().filter(o -> !dropped.contains(o)).toList();
                if (usable.isEmpty()) {
                    break;
                }
                List<String> zones = usable.stream().map(Offering::availabilityZone).distinct().toList();
                Map<String, Integer> allocation = AzSpread.allocate(input.count() - launched.size(), zones, perZone);
                for (var share : allocation.entrySet()) {
                    Offering offering = usable.stream().filter(o -> o.availabilityZone().equals(share.getKey())).findFirst().orElseThrow();
                    String token = ClientTokens.of(input.execution(), input.count(), alreadyLaunched, callIndex++, offering, share.getValue());
                    switch (fleet.run(offering, share.getValue(), token, tags(input.execution()))) {
                        case Ec2Fleet.Launched(List<Ec2Instance> instances) -> {
                            instances.forEach(instance -> launched.add(instance.toLaunched()));
                            perZone.merge(offering.availabilityZone(), instances.size(), Integer::sum);
                            if (instances.size() < share.getValue()) {
                                // EC2 starts fewer than MaxCount only when it has no more of this offering.
                                dropped.add(offering);
                                failed.add(FailedOffering.of(offering, "InsufficientInstanceCapacity", now.plus(settings.offeringUnavailable())));
                            }
                        }
                        case Ec2Fleet.OfferingUnavailable(String errorCode) -> {
                            dropped.add(offering);
                            failed.add(FailedOffering.of(offering, errorCode, now.plus(settings.offeringUnavailable())));
                        }
                    }
                }
            }
        }
        List<LaunchOutcome.Refusal> refused = failed.stream().map(FailedOffering::refusal).toList();
        LaunchOutcome outcome;
        if (launched.isEmpty()) {
            // An answer, not an error: the refused offerings must still reach the state, or the next launch asks them again.
            outcome = new LaunchOutcome.None(input.count(), refused, skipped.stream().map(Offering::toString).toList());
        } else if (launched.size() >= input.count()) {
            outcome = new LaunchOutcome.Launched(input.count(), launched.size(), placements(launched), alreadyLaunched, refused);
        } else {
            outcome = new LaunchOutcome.Partial(input.count(), launched.size(), placements(launched), alreadyLaunched, refused);
        }
        return LaunchWorkersOutput.of(launched, failed, outcome);
    }

    private Map<String, String> tags(String execution) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(FleetTags.MANAGED, "true");
        tags.put(FleetTags.CLUSTER, settings.clusterId());
        tags.put(FleetTags.LAUNCHED_BY, execution);
        tags.put(FleetTags.NAME, settings.clusterId() + "-worker");
        return tags;
    }

    /** How many of the launched workers run on each offering, in launch order. */
    private static List<LaunchOutcome.Placement> placements(List<LaunchedWorker> launched) {
        return launched.stream()
                .collect(Collectors.groupingBy(w -> w.instanceType() + "@" + w.availabilityZone() + "/" + w.capacityType(),
                        LinkedHashMap::new, Collectors.counting()))
                .entrySet().stream().map(e -> new LaunchOutcome.Placement(e.getValue(), e.getKey())).toList();
    }
}
