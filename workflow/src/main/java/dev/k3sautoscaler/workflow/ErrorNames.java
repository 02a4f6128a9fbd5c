package dev.k3sautoscaler.workflow;

import com.fasterxml.jackson.databind.JsonNode;

/** ErrorEquals matching: exact names, {@code States.ALL}, and {@code States.TaskFailed} (any task error but a timeout). */
final class ErrorNames {
    private ErrorNames() {
    }

    static boolean matches(JsonNode errorEquals, String error) {
        for (JsonNode candidate : errorEquals) {
            String name = candidate.asText();
            if (name.equals(error)
                    || (name.equals("States.ALL") && !error.equals("States.Runtime"))
                    || (name.equals("States.TaskFailed") && !error.equals("States.Timeout") && !error.equals("States.Runtime"))) {
                return true;
            }
        }
        return false;
    }
}
