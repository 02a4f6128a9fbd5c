package dev.k3sautoscaler.alerts;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.k3sautoscaler.core.control.TickInput;
import dev.k3sautoscaler.workflow.InvalidName;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TickStartTest {
    private static final Instant SENT = Instant.parse("2026-12-05T13:45:01.999Z");

    @Test
    void theName_saysAlertAndWhen_andTakesTheMessageIdsFirstCharacters() {
        assertEquals("alert-20261205-134501-95df01b4", TickStart.forAlert(SENT, "95df01b4-ee98-5cb9-9903-4c221d41eb5e", 0).executionName());
        assertEquals("alert-20261205-134501-ab", TickStart.forAlert(SENT, "a/b", 0).executionName());
        assertEquals("alert-20261205-134501", TickStart.forAlert(SENT, "///", 0).executionName());
    }

    @Test
    void everyName_isOneStartExecutionAccepts() {
        for (String id : List.of("95df01b4-ee98-5cb9-9903-4c221d41eb5e", "x".repeat(200), "ü:*?\"<>{}[]", "")) {
            String name = TickStart.forAlert(SENT, id, 0).executionName();
            assertDoesNotThrow(() -> InvalidName.check(name), name);
        }
    }

    @Test
    void theInput_isTheAlertsTickInput_withTheWait_withinTheExpressLimit() {
        assertEquals(TickInput.alert(45), TickStart.forAlert(SENT, "m", 45).input());
        assertEquals(List.of("trigger", "source", "waitSeconds"), List.copyOf(TickInput.alert(0).keySet()));
        assertThrows(IllegalArgumentException.class, () -> TickInput.alert(TickInput.MAX_WAIT_SECONDS + 1));
        assertThrows(IllegalArgumentException.class, () -> TickInput.alert(-1));
    }
}
