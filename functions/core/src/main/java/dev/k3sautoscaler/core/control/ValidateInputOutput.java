package dev.k3sautoscaler.core.control;

import java.util.List;

/**
 * The verdict on an actuation input: the normalized request when valid, every problem otherwise.
 *
 * @param valid    true when {@code problems} is empty
 * @param request  the request (null when invalid)
 * @param problems every problem found, in input order
 * @param reason   one line: the request's summary, or "invalid execution input: p1; p2" — the Fail state's Cause
 */
public record ValidateInputOutput(boolean valid, ControlRequest request, List<String> problems, String reason) {

    public ValidateInputOutput {
        problems = List.copyOf(problems);
    }

    static ValidateInputOutput accepted(ControlRequest request) {
        return new ValidateInputOutput(true, request, List.of(), request.summary());
    }

    static ValidateInputOutput rejected(List<String> problems) {
        return new ValidateInputOutput(false, null, problems, "invalid execution input: " + String.join("; ", problems));
    }
}
