package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.core.control.ControlRequest;
import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.runtime.Validatable;
import java.util.List;

/**
 * Input of SelectScaleDownTarget.
 *
 * @param nodeName optional: a manual "remove this node" request. Only that node is considered, and
 *                 every safety rule still applies (a forced request skips the metrics, not the safety).
 * @param request  optional: the actuation's validated input ({@code $.request}); its {@code nodeName}
 *                 (a force-scale-down) is used when {@code nodeName} is absent
 */
public record SelectScaleDownTargetInput(String execution, String nodeName, ControlRequest request) implements Validatable {

    public SelectScaleDownTargetInput(String execution, String nodeName) {
        this(execution, nodeName, null);
    }

    /** The only node to consider, or null to consider every managed worker. */
    public String onlyNode() {
        return nodeName != null ? nodeName : request == null ? null : request.nodeName();
    }

    @Override
    public List<String> validationProblems() {
        return InputCheck.start().required("execution", execution).problems();
    }
}
