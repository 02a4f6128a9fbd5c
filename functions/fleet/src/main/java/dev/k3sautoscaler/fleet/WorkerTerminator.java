package dev.k3sautoscaler.fleet;

import dev.k3sautoscaler.errors.RefusedToTerminate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Terminates only this cluster's managed workers. The tags are read with DescribeInstances first
 * (the IAM condition on ec2:TerminateInstances is the second lock); one refused id refuses the whole
 * call, so a wrong input never half-happens. Gone instances count as done, which makes a retry safe.
 */
final class WorkerTerminator {
    private final Ec2Fleet fleet;
    private final FleetSettings settings;

    WorkerTerminator(Ec2Fleet fleet, FleetSettings settings) {
        this.fleet = fleet;
        this.settings = settings;
    }

    TerminateWorkersOutput terminate(TerminateWorkersInput input) {
        Map<String, Ec2Instance> found = fleet.byIds(input.instanceIds()).stream()
                .collect(Collectors.toMap(Ec2Instance::instanceId, Function.identity(), (a, b) -> a));
        List<String> terminate = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (String id : input.instanceIds()) {
            Ec2Instance instance = found.get(id);
            if (instance == null || instance.isGone()) {
                gone.add(id);
                continue;
            }
            String refusal = refusal(instance);
            if (refusal != null) {
                refused.add(id + " (" + refusal + ")");
            } else {
                terminate.add(id);
            }
        }
        if (!refused.isEmpty()) {
            throw new RefusedToTerminate("refused to terminate " + String.join(", ", refused)
                    + ": only workers tagged " + FleetTags.MANAGED + "=true and " + FleetTags.CLUSTER + "="
                    + settings.clusterId() + " may be terminated; nothing was terminated");
        }
        if (!terminate.isEmpty()) {
            fleet.terminate(terminate);
        }
        return TerminateWorkersOutput.of(terminate, gone);
    }

    private String refusal(Ec2Instance instance) {
        if (FleetTags.ROLE_MASTER.equals(instance.tag(FleetTags.ROLE))) {
            return "the master";
        }
        if (!"true".equals(instance.tag(FleetTags.MANAGED))) {
            return "not managed by the autoscaler";
        }
        if (!settings.clusterId().equals(instance.tag(FleetTags.CLUSTER))) {
            return "belongs to cluster " + instance.tag(FleetTags.CLUSTER);
        }
        return null;
    }
}
