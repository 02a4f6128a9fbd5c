package dev.k3sautoscaler.fleet;

import dev.k3sautoscaler.core.lifecycle.InstanceState;
import dev.k3sautoscaler.core.lifecycle.ObservedInstance;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The fleet as ReconcileWorkers reads and repairs it: this cluster's managed instances, any
 * instances by id (an id EC2 does not know comes back {@link InstanceState#NOT_FOUND}), and
 * termination through the very checks of TerminateWorkers. Tags are read into facts here, next to
 * {@link FleetTags}; they never leave the module.
 */
public final class InstanceInventory {
    /** Every state in which a managed instance may still be billed or have a Node; terminated ones are looked up by id. */
    public static final List<String> LISTED_STATES = List.of("pending", "running", "stopping", "stopped", "shutting-down");
    /** EC2 takes at most 200 values in one filter. */
    static final int IDS_PER_CALL = 200;

    private final Ec2Fleet ec2;
    private final FleetSettings settings;

    public InstanceInventory(FleetContext fleet) {
        this.ec2 = fleet.ec2();
        this.settings = fleet.settings();
    }

    /** For a handler's INIT: the fleet's settings and production EC2 client from the environment. */
    public static InstanceInventory fromEnvironment(Map<String, String> environment) {
        return new InstanceInventory(FleetContext.fromEnvironment(environment));
    }

    /** This cluster's managed instances in {@link #LISTED_STATES}, every page. */
    public List<ObservedInstance> managed() {
        return ec2.managedWorkers(LISTED_STATES).stream().map(InstanceInventory::observed)
                .flatMap(java.util.Optional::stream).toList();
    }

    /** These instances, whoever owns them; one NOT_FOUND entry per id EC2 does not report. */
    public List<ObservedInstance> byIds(Collection<String> instanceIds) {
        List<String> ids = instanceIds.stream().distinct().toList();
        List<Ec2Instance> found = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += IDS_PER_CALL) {
            found.addAll(ec2.byIds(ids.subList(from, Math.min(ids.size(), from + IDS_PER_CALL))));
        }
        Map<String, ObservedInstance> byId = found.stream().map(InstanceInventory::observed)
                .flatMap(java.util.Optional::stream)
                .collect(Collectors.toMap(ObservedInstance::instanceId, Function.identity(), (a, b) -> a));
        return ids.stream().map(id -> byId.getOrDefault(id, ObservedInstance.notFound(id))).toList();
    }

    /**
     * Terminates with TerminateWorkers' own checks: the tags are read again first, one refused id
     * refuses the whole call ({@code RefusedToTerminate}), and already gone counts as done. No lease:
     * the reconcile runs without the lock and terminates only what is old enough to be nobody's launch.
     */
    public TerminateWorkersOutput terminate(String execution, List<String> instanceIds, String reason) {
        return new WorkerTerminator(ec2, settings).terminate(new TerminateWorkersInput(execution, instanceIds, reason, null));
    }

    public String clusterId() {
        return settings.clusterId();
    }

    private static final Set<String> KNOWN_STATES = Set.of("pending", "running", "stopping", "stopped",
            "shutting-down", "terminated");

    /** Empty for a state this code does not know: nothing is concluded from an answer it cannot read. */
    private static java.util.Optional<ObservedInstance> observed(Ec2Instance instance) {
        if (instance.state() == null || !KNOWN_STATES.contains(instance.state())) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new ObservedInstance(instance.instanceId(), InstanceState.fromEc2(instance.state()),
                instance.launchTime(), instance.instanceType(), instance.availabilityZone(), instance.capacityType(),
                "true".equals(instance.tag(FleetTags.MANAGED)), instance.tag(FleetTags.CLUSTER),
                FleetTags.ROLE_MASTER.equals(instance.tag(FleetTags.ROLE))));
    }
}
