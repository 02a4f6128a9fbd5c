package dev.k3sautoscaler.runtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Collects input problems in one pass: {@code InputCheck.start().required("nodeName", nodeName).problems()}. */
public final class InputCheck {
    private final List<String> problems = new ArrayList<>();

    private InputCheck() {
    }

    public static InputCheck start() {
        return new InputCheck();
    }

    public InputCheck required(String field, Object value) {
        if (value == null || (value instanceof String s && s.isBlank())) {
            problems.add(field + " is required");
        }
        return this;
    }

    public InputCheck notEmpty(String field, Collection<?> value) {
        if (value == null || value.isEmpty()) {
            problems.add(field + " must not be empty");
        }
        return this;
    }

    public InputCheck check(boolean condition, String problem) {
        if (!condition) {
            problems.add(problem);
        }
        return this;
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }
}
