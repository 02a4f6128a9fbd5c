package dev.k3sautoscaler.fleet;

import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.runtime.Validatable;
import dev.k3sautoscaler.state.Lease;
import java.util.List;
import java.util.regex.Pattern;

/**
 * @param execution   the Step Functions execution name
 * @param instanceIds EC2 instance ids ({@code i-…}) to terminate
 * @param reason      why (scale-down), logged
 * @param lease       the scaling lease: checked and extended right before TerminateInstances
 */
public record TerminateWorkersInput(String execution, List<String> instanceIds, String reason, Lease lease)
        implements Validatable {
    static final Pattern INSTANCE_ID = Pattern.compile("i-[0-9a-f]{8,17}");

    public TerminateWorkersInput {
        instanceIds = instanceIds == null ? null : instanceIds.stream().distinct().toList();
    }

    @Override
    public List<String> validationProblems() {
        InputCheck check = InputCheck.start().required("execution", execution).notEmpty("instanceIds", instanceIds);
        Lease.problems("lease", lease).forEach(problem -> check.check(false, problem));
        if (instanceIds != null) {
            instanceIds.stream().filter(id -> id == null || !INSTANCE_ID.matcher(id).matches())
                    .forEach(id -> check.check(false, "instanceIds has '" + id + "', not an EC2 instance id like i-0123456789abcdef0"));
        }
        return check.problems();
    }

    /** What the idempotency record is checked against: the instances, not the lease they were terminated under. */
    TerminateWorkersInput withoutLease() {
        return new TerminateWorkersInput(execution, instanceIds, reason, null);
    }
}
