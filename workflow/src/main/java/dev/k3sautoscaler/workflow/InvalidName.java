package dev.k3sautoscaler.workflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * StartExecution's {@code InvalidName}: Step Functions refuses an execution name of more than 80 or
 * no characters, or one with whitespace, brackets {@code < > { } [ ]}, wildcards {@code ? *}, the
 * special characters {@code " # % \ ^ | ~ ` $ & , ; : /}, or control characters (U+0000–001F,
 * U+007F–009F, U+FFFE–FFFF), surrogates or U+10FFFF. The local executor refuses the same names, so
 * a name built by the workflow ({@code States.Format}) or by its caller fails here as in AWS.
 */
public final class InvalidName extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The API's error code (the optimized integration reports it as {@code StepFunctions.InvalidNameException}). */
    public static final String ERROR = "InvalidName";
    public static final int MAX_LENGTH = 80;
    private static final String FORBIDDEN = "<>{}[]?*\"#%\\^|~`$&,;:/";

    private InvalidName(String name, String problem) {
        super("Invalid Name: '" + name + "': " + problem);
    }

    public String errorName() {
        return ERROR;
    }

    /** Throws when Step Functions would refuse {@code name}. */
    public static void check(String name) {
        Optional<String> problem = problem(name);
        if (problem.isPresent()) {
            throw new InvalidName(name, problem.get());
        }
    }

    /** What Step Functions would refuse in {@code name}, if anything. */
    public static Optional<String> problem(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("a name has 1 to " + MAX_LENGTH + " characters, this one none");
        }
        int length = name.codePointCount(0, name.length());
        if (length > MAX_LENGTH) {
            return Optional.of("a name has 1 to " + MAX_LENGTH + " characters, this one " + length);
        }
        List<String> found = new ArrayList<>();
        name.codePoints().forEach(c -> {
            String kind = forbidden(c);
            if (kind != null && !found.contains(kind)) {
                found.add(kind);
            }
        });
        return found.isEmpty() ? Optional.empty() : Optional.of("it contains " + String.join(", ", found));
    }

    private static String forbidden(int c) {
        if (c <= 0x1F || (c >= 0x7F && c <= 0x9F) || c == 0xFFFE || c == 0xFFFF) {
            return String.format("control character U+%04X", c);
        }
        if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
            return String.format("whitespace U+%04X", c);
        }
        if (c >= 0xD800 && c <= 0xDFFF) {
            return String.format("unpaired surrogate U+%04X", c);
        }
        if (c == 0x10FFFF) {
            return "U+10FFFF";
        }
        return FORBIDDEN.indexOf(c) >= 0 ? "'" + Character.toString(c) + "'" : null;
    }
}
