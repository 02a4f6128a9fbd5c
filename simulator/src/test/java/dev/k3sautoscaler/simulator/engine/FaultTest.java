package dev.k3sautoscaler.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FaultTest {

    @Test
    void parse_readsKindStepAndOccurrence_andPrintsTheSame() {
        // GIVEN / WHEN
        Fault fault = Fault.parse("crash:launch-workers@2");

        // THEN
        assertEquals(Fault.Kind.CRASH, fault.kind());
        assertEquals("launch-workers", fault.step());
        assertEquals(2, fault.occurrence());
        assertEquals("crash:launch-workers@2", fault.toString());
        assertEquals(1, Fault.parse("api-5xx:drain-node").occurrence(), "the first invocation by default");
        assertEquals(Fault.Kind.PROMETHEUS_OUTAGE, Fault.parse("prometheus-outage:collect-metrics@3").kind());
        assertEquals(Fault.Kind.SLOW, Fault.parse("slow:launch-workers@1").kind());
        assertEquals("lost-result:delete-node@2", Fault.parse("lost-result:delete-node@2").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"crash", "crash:", "explode:drain-node", "crash:drain-node@0", "crash:Drain_Node"})
    void parse_rejectsMalformedFaults_withTheExpectedForm(String text) {
        // GIVEN / WHEN / THEN
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fault.parse(text));
        assertTrue(e.getMessage().contains("kind:step") || e.getMessage().contains("unknown fault kind")
                || e.getMessage().contains("occurrence"), e.getMessage());
    }
}
