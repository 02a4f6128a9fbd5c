package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.runtime.Validatable;
import java.util.List;

/**
 * Input of SelectScaleDownTarget.
 *
 * @param nodeName optional: a manual "remove this node" request. Only that node is considered, and
 *                 every safety rule still applies (a forced request skips the metrics, not the safety).
 */
public record SelectScaleDownTargetInput(String execution, String nodeName) implements Validatable {
    @Override
    public List<String> validationProblems() {
        return InputCheck.start().required("execution", execution).problems();
    }
}
