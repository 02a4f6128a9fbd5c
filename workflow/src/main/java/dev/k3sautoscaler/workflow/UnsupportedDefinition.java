package dev.k3sautoscaler.workflow;

import java.util.List;

/** The definition uses something this executor does not implement; raised at load, never mid-run. */
public final class UnsupportedDefinition extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public UnsupportedDefinition(String machine, List<String> problems) {
        super(machine + " cannot run locally:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
