package dev.k3sautoscaler.state;

import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.runtime.InputCheck;
import java.util.List;

/**
 * The scaling state a step read earlier in the same execution (LoadState's {@code version} and
 * {@code state}), so RecordOutcome can write against that version without reading the item again.
 * The write is conditioned on the version: if anyone wrote since, the item is read again and the
 * outcome applied to what it holds. At the same version the state is taken as the item's, so it must
 * be what the workflow carried from that read, unedited (the tick's ASL passes LoadState's answer).
 *
 * @param version the state item's version when it was read (0: the cluster was never acted on)
 * @param state   the scaling state at that version
 */
public record StateBasis(Long version, ScalingState state) {

    /** Problems of a basis given as step input, prefixed with its field path; none when absent. */
    static List<String> problems(String field, StateBasis basis) {
        if (basis == null) {
            return List.of();
        }
        return InputCheck.start()
                .required(field + ".version", basis.version())
                .check(basis.version() == null || basis.version() >= 0, field + ".version must not be negative")
                .required(field + ".state", basis.state())
                .problems();
    }
}
