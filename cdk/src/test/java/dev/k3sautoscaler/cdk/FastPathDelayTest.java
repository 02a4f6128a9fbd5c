package dev.k3sautoscaler.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.k3sautoscaler.cdk.K3sAutoscalerProps.InvalidPropsException;
import dev.k3sautoscaler.core.config.ConfigVariable;
import dev.k3sautoscaler.core.control.TickInput;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/**
 * With PENDING_UP_SEC raised, the alert's tick waits that long before it observes, so it counts the
 * pods; its Express execution's timeout grows by the wait, which bounds it.
 */
class FastPathDelayTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void pendingUpSec_isTheFunctionsTickWait_andTheTicksTimeoutGrowsByIt() throws Exception {
        // GIVEN PENDING_UP_SEC=30 (the default is 0)
        JsonNode resources = resourcesOf(Synth.props().setting(ConfigVariable.PENDING_UP_SEC, 30).build());

        // WHEN
        JsonNode function = resource(resources, "AWS::Lambda::Function", "/Properties/FunctionName", "demo-start-tick-on-alert");
        JsonNode tick = resource(resources, "AWS::StepFunctions::StateMachine", "/Properties/StateMachineName", "demo-tick");

        // THEN the function starts ticks that wait 30 s, and such a tick may run 2 minutes past its wait
        assertEquals("30", function.at("/Properties/Environment/Variables/TICK_WAIT_SECONDS").asText());
        assertEquals(120 + 30, JSON.readTree(tick.at("/Properties/DefinitionString").asText()).get("TimeoutSeconds").asInt());
    }

    @Test
    void theLongestWait_stillFitsAnExpressExecution() throws Exception {
        // GIVEN the longest wait the tick accepts
        JsonNode resources = resourcesOf(Synth.props().setting(ConfigVariable.PENDING_UP_SEC, TickInput.MAX_WAIT_SECONDS).build());

        // WHEN
        JsonNode tick = resource(resources, "AWS::StepFunctions::StateMachine", "/Properties/StateMachineName", "demo-tick");

        // THEN 2 minutes + 3 minutes: Express's 5-minute limit exactly
        assertEquals(300, JSON.readTree(tick.at("/Properties/DefinitionString").asText()).get("TimeoutSeconds").asInt());
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

    @Test
    void withoutTheFastPath_theTicksTimeoutStaysTwoMinutes() throws Exception {
        // GIVEN PENDING_UP_SEC past the fast path's limit, which nothing waits for without it
        JsonNode resources = resourcesOf(Synth.props().unschedulableFastPath(false)
                .setting(ConfigVariable.PENDING_UP_SEC, 600).build());

        // WHEN
        JsonNode tick = resource(resources, "AWS::StepFunctions::StateMachine", "/Properties/StateMachineName", "demo-tick");

        // THEN
        assertEquals(120, JSON.readTree(tick.at("/Properties/DefinitionString").asText()).get("TimeoutSeconds").asInt());
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
