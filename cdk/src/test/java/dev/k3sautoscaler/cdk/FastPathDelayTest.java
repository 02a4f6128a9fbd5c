package dev.k3sautoscaler.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.k3sautoscaler.core.config.ConfigVariable;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/** With PENDING_UP_SEC raised, the fast path's queue holds each alert that long, so the tick it starts counts the pods. */
class FastPathDelayTest {

    @Test
    void pendingUpSec_isTheQueuesDeliveryDelay_andItsRetentionAddsOneTick() {
        // GIVEN PENDING_UP_SEC=30 (the default is 0)
        Template template = Template.fromStack(Synth.stack(Synth.props().setting(ConfigVariable.PENDING_UP_SEC, 30).build()));
        JsonNode resources = new ObjectMapper().valueToTree(template.toJSON()).get("Resources");

        // WHEN
        JsonNode queue = resources.properties().stream()
                .filter(e -> e.getKey().contains("FastPathQueue") && e.getValue().get("Type").asText().equals("AWS::SQS::Queue"))
                .findFirst().orElseThrow().getValue().get("Properties");

        // THEN held 30 s, kept 30 s + the stack's tick period
        assertEquals(30, queue.get("DelaySeconds").asInt());
        assertEquals(30 + Synth.props().build().tickRate().toSeconds(), queue.get("MessageRetentionPeriod").asInt());
    }
}
