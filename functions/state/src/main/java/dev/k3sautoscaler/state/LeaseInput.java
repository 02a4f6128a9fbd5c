package dev.k3sautoscaler.state;

import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.runtime.Validatable;
import java.util.ArrayList;
import java.util.List;

/**
 * Input of ReleaseLock.
 *
 * @param lease           the lease AcquireLock returned
 * @param whateverItsToken true after an AcquireLock whose every answer was lost: the lease is unknown,
 *                        so whatever lease this execution holds is released (no lease needed then)
 */
public record LeaseInput(String execution, Lease lease, Boolean whateverItsToken) implements Validatable {
    public LeaseInput(String execution, Lease lease) {
        this(execution, lease, null);
    }

    public boolean releaseWhateverItsToken() {
        return Boolean.TRUE.equals(whateverItsToken);
    }

    @Override
    public List<String> validationProblems() {
        List<String> problems = new ArrayList<>(InputCheck.start().required("execution", execution).problems());
        if (!releaseWhateverItsToken()) {
            problems.addAll(Lease.problems("lease", lease));
        }
        return problems;
    }
}
