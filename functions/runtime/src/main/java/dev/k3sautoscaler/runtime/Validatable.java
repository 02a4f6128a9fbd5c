package dev.k3sautoscaler.runtime;

import java.util.List;

/** A step input that checks its own fields; every problem is reported together as InvalidStepInput. */
public interface Validatable {
    List<String> validationProblems();
}
