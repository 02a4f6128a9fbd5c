package dev.k3sautoscaler.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.k3sautoscaler.cdk.K3sAutoscalerProps.InvalidPropsException;
import dev.k3sautoscaler.core.config.ConfigVariable;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/** With PENDING_UP_SEC raised, the alert's tick waits that long before it observes, so it counts the pods. */
class FastPathDelayTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void pendingUpSec_isTheFunctionsTickWait() {
        // GIVEN PENDING_UP_SEC=30 (the default is 0)
        JsonNode resources = resourcesOf(Synth.props().setting(ConfigVariable.PENDING_UP_SEC, 30).build());

        // WHEN
        JsonNode function = resource(resources, "AWS::Lambda::Function", "/Properties/FunctionName", "demo-start-tick-on-alert");

        // THEN the function starts ticks that wait 30 s
        assertEquals("30", function.at("/Properties/Environment/Variables/TICK_WAIT_SECONDS").asText());
    }

    @Test
    void aPendingUpSecOver180s_withTheFastPathOn_isAProblemListedWithTheOthers() {
        // GIVEN a wait the Express tick cannot hold, and another mistake
        K3sAutoscalerProps.Builder builder = Synth.props().setting(ConfigVariable.PENDING_UP_SEC, 181).logRetentionDays(31);

        // WHEN
        InvalidPropsException e = assertThrows(InvalidPropsException.class, builder::build);

        // THEN both are reported together, the wait's with its way out
        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("PENDING_UP_SEC=181 is too long for the fast path")
                && p.contains("inside an Express execution (at most 180 s)") && p.endsWith("set unschedulableFastPath=false")),
                e.getMessage());
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("logRetentionDays=31")), e.getMessage());
    }

    private static JsonNode resourcesOf(K3sAutoscalerProps props) {
        return JSON.valueToTree(Template.fromStack(Synth.stack(props)).toJSON()).get("Resources");
    }

    /** The one resource of {@code type} whose property at {@code pointer} is {@code value}. */
    private static JsonNode resource(JsonNode resources, String type, String pointer, String value) {
        return resources.properties().stream().map(java.util.Map.Entry::getValue)
                .filter(r -> r.get("Type").asText().equals(type) && r.at(pointer).asText().equals(value))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type + " with " + pointer + "=" + value));
    }
}
