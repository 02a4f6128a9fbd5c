package dev.k3sautoscaler.simulator.scenario;

import java.util.List;

/** A scenario that cannot run, with every problem found (not only the first), each naming its field and line. */
public final class InvalidScenarioException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<ScenarioProblem> problems;

    public InvalidScenarioException(String source, List<ScenarioProblem> problems) {
        super(render(source, problems));
        this.problems = List.copyOf(problems);
    }

    public List<ScenarioProblem> problems() {
        return problems;
    }

    private static String render(String source, List<ScenarioProblem> problems) {
        StringBuilder message = new StringBuilder("Invalid scenario ").append(source).append(" (")
                .append(problems.size()).append(problems.size() == 1 ? " problem):" : " problems):");
        problems.forEach(problem -> message.append("\n  - ").append(problem));
        return message.toString();
    }
}
