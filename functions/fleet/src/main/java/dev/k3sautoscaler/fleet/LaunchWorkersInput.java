package dev.k3sautoscaler.fleet;

import dev.k3sautoscaler.core.model.UnavailableOffering;
import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.runtime.Validatable;
import dev.k3sautoscaler.state.Lease;
import java.util.List;

/**
 * @param execution            the Step Functions execution name: ClientTokens and the launched-by tag derive from it
 * @param count                workers to launch, 1..{@link #MAX_COUNT}
 * @param reason               why (from Decide), logged with the launch
 * @param unavailableOfferings offerings the state remembers as failing; those still active are skipped (may be absent)
 * @param lease                the scaling lease AcquireLock returned: checked and extended right before RunInstances
 */
public record LaunchWorkersInput(String execution, int count, String reason, List<UnavailableOffering> unavailableOfferings,
                                 Lease lease)
        implements Validatable {
    /** Far above MAX_SCALE_UP_STEP's ceiling of 100: only a broken input asks for more. */
    public static final int MAX_COUNT = 100;

    public LaunchWorkersInput {
        unavailableOfferings = unavailableOfferings == null ? List.of() : List.copyOf(unavailableOfferings);
    }

    @Override
    public List<String> validationProblems() {
        InputCheck check = InputCheck.start().required("execution", execution)
                .check(count >= 1 && count <= MAX_COUNT, "count must be 1.." + MAX_COUNT + " (was " + count + ")");
        Lease.problems("lease", lease).forEach(problem -> check.check(false, problem));
        for (int i = 0; i < unavailableOfferings.size(); i++) {
            UnavailableOffering offering = unavailableOfferings.get(i);
            check.check(offering != null && offering.instanceType() != null && offering.availabilityZone() != null
                        && offering.capacityType() != null && offering.until() != null,
                    "unavailableOfferings[" + i + "] needs instanceType, availabilityZone, capacityType and until");
        }
        return check.problems();
    }

    /** What the idempotency record is checked against: the launch asked for, not the lease it was asked under. */
    LaunchWorkersInput withoutLease() {
        return new LaunchWorkersInput(execution, count, reason, unavailableOfferings, null);
    }
}
