package dev.k3sautoscaler.state;

import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.runtime.Validatable;
import java.util.ArrayList;
import java.util.List;

/** Input of the steps that only need the lease: RenewLock and ReleaseLock. */
public record LeaseInput(String execution, Lease lease) implements Validatable {
    @Override
    public List<String> validationProblems() {
        List<String> problems = new ArrayList<>(InputCheck.start().required("execution", execution).problems());
        problems.addAll(Lease.problems("lease", lease));
        return problems;
    }
}
