package dev.k3sautoscaler.simulator.scenario;

/**
 * One thing wrong in a scenario file: the field (as a path such as {@code workload[0].replicas[1].count})
 * and where the parser saw it (1-based line and column; the enclosing object for a missing field).
 */
public record ScenarioProblem(String source, String field, int line, int column, String message) {
    @Override
    public String toString() {
        return source + ":" + line + ":" + column + ": " + field + ": " + message;
    }
}
