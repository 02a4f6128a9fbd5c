package dev.k3sautoscaler.core.config;

import java.util.List;

/**
 * Thrown at init when the configuration is wrong. Lists every problem at once, so one deploy
 * fixes them all instead of one per cold start.
 */
public final class InvalidConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public InvalidConfigurationException(List<String> problems) {
        super(render(problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }

    private static String render(List<String> problems) {
        StringBuilder message = new StringBuilder("Invalid configuration (")
                .append(problems.size())
                .append(problems.size() == 1 ? " problem):" : " problems):");
        problems.forEach(problem -> message.append("\n  - ").append(problem));
        return message.toString();
    }
}
