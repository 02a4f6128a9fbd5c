package dev.k3sautoscaler.state;

import dev.k3sautoscaler.core.control.ControlRequest;
import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.runtime.Validatable;
import java.util.List;

/** What an operator's break-lock request carries into the step. */
public record BreakLockInput(String execution, ControlRequest request, java.time.Instant startedAt) implements Validatable {
    @Override
    public List<String> validationProblems() {
        return InputCheck.start()
                .required("execution", execution)
                .required("request", request)
                .required("request.requestedBy", request == null ? null : request.requestedBy())
                .required("request.reason", request == null ? null : request.reason())
                .problems();
    }
}
