package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.runtime.Validatable;
import java.time.Instant;
import java.util.List;

/**
 * Input of CheckWorkersJoined.
 *
 * @param instanceIds the instances Launch started
 * @param launchedAt  when they were launched (optional); with it the output lists the instances
 *                    past JOIN_TIMEOUT_SEC
 */
public record CheckWorkersJoinedInput(String execution, List<String> instanceIds, Instant launchedAt) implements Validatable {
    @Override
    public List<String> validationProblems() {
        InputCheck check = InputCheck.start().required("execution", execution).notEmpty("instanceIds", instanceIds);
        if (instanceIds != null) {
            instanceIds.forEach(id -> check.check(id != null && id.startsWith("i-"),
                    "instanceIds must hold EC2 instance ids (i-...), got " + id));
        }
        return check.problems();
    }
}
