package dev.k3sautoscaler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.core.state.OutcomeAction;
import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.state.EventRecord;
import dev.k3sautoscaler.state.LoadStateOutput;
import dev.k3sautoscaler.workflow.Execution;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** The assertions every scenario ends with. */
final class Checks {
    private Checks() {
    }

    static void succeeded(Execution execution) {
        assertEquals(Execution.Status.SUCCEEDED, execution.status(), () -> execution.name() + " ended "
                + execution.status() + " " + execution.error() + ": " + execution.cause() + "\npath: " + execution.statePath());
    }

    static void lockReleased(AutoscalerRig rig) {
        LoadStateOutput state = rig.state();
        assertFalse(state.locked(), "the lock should be free, held by " + state.lockOwner());
    }

    /** The newest event of this action. */
    static EventRecord event(List<EventRecord> events, OutcomeAction action) {
        return events.stream().filter(e -> e.action() == action).findFirst()
                .orElseThrow(() -> new AssertionError("no " + action + " event in " + events));
    }

    /** After a test that may not have built its rig: the rig's checks, then its close. */
    static void closeChecked(AutoscalerRig rig) {
        if (rig != null) {
            noUnrecognisedQueries(rig);
            rig.close();
        }
    }

    static void noUnrecognisedQueries(AutoscalerRig rig) {
        assertTrue(rig.prometheus.unrecognised().isEmpty(), "queries the fake Prometheus did not know: "
                + rig.prometheus.unrecognised());
    }

    static JsonNode json(String text) {
        try {
            return StepJson.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
