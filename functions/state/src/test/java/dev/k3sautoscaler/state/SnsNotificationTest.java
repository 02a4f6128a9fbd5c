package dev.k3sautoscaler.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.runtime.StepJson;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SnsNotificationTest {
    private static final String RECORD_INPUT = """
            {"execution": "scale-up-20261123-1200",
             "lease": {"owner": "scale-up-20261123-1200", "fencingToken": 7, "expiresAt": "2026-11-23T12:05:00Z"},
             "outcome": {"action": "JOIN_CHECK", "result": "SUCCEEDED", "count": 2, "instanceIds": ["i-0aaa0001", "i-0bbb0002"],
                         "reason": "2 of 2 workers Ready"},
             "request": {"trigger": "scale", "requestedBy": "tick-1", "summary": "scale cycle requested by tick-1"},
             "decision": {"action": "SCALE_UP", "count": 2, "trigger": "UNSCHEDULABLE_PODS", "currentWorkers": 3,
                          "targetWorkers": 5, "atMaxCapacity": false, "blocked": [],
                          "reason": "scale-up +2: 4 unschedulable pods need 2 vCPU; capacity in flight 0; 3 → 5 workers"},
             "startedAt": "2026-11-23T12:00:00Z"}""";

    @Test
    void recordInput_rendersTheSnsPublishParameters() throws Exception {
        // GIVEN RecordWorkersJoined's input as the ASL builds it
        RecordOutcomeInput input = StepJson.MAPPER.readValue(RECORD_INPUT, RecordOutcomeInput.class);

        // WHEN the notice is rendered 95 s after the start
        SnsNotification notice = Notices.render("k3s-main", input.execution(), input.outcome(), input.request(),
                input.decision(), input.startedAt(), Instant.parse("2026-11-23T12:01:35Z"));
        JsonNode json = StepJson.MAPPER.valueToTree(notice);

        // THEN the fields are named as sns:publish takes them, the message has a Slack and an e-mail form
        assertTrue(notice.publish());
        assertEquals("Added 2 workers → 5 workers (4 unschedulable pods need 2 vCPU; capacity in flight 0; 3 → 5 workers)"
                + " — 1 min 35 s", notice.text());
        assertEquals("{\"DataType\":\"String\",\"StringValue\":\"scale-up\"}", json.path("attributes").path("event").toString());
        assertEquals("{\"DataType\":\"Number\",\"StringValue\":\"5\"}", json.path("attributes").path("workersAfter").toString());
        JsonNode message = StepJson.MAPPER.readTree(notice.message());
        assertEquals(notice.text(), message.path("email").asText());
        JsonNode chatbot = StepJson.MAPPER.readTree(message.path("default").asText());
        assertEquals("custom", chatbot.path("source").asText());
        assertEquals("1.0", chatbot.path("version").asText());
        assertEquals(notice.text(), chatbot.path("content").path("description").asText());
        assertEquals("k3s-autoscaler k3s-main: scale-up", chatbot.path("content").path("title").asText());
    }

    @Test
    void spotDrainWithoutDecision_stillRenders() throws Exception {
        // GIVEN RecordSpotDrain's input: no lease, no decision
        RecordOutcomeInput input = StepJson.MAPPER.readValue("""
                {"execution": "spot-1", "outcome": {"action": "SPOT_DRAIN", "result": "SUCCEEDED", "count": 1,
                 "instanceIds": ["i-0ddd0001"], "reason": "drained: 2 pods evicted"},
                 "request": {"trigger": "spot-interruption", "instanceId": "i-0ddd0001",
                             "summary": "Spot interruption warning for i-0ddd0001"}}""", RecordOutcomeInput.class);

        // WHEN rendered THEN a spot-drain notice, valid input without a lease
        SnsNotification notice = Notices.render("k3s-main", input.execution(), input.outcome(), input.request(),
                input.decision(), input.startedAt(), Instant.parse("2026-11-23T12:01:35Z"));
        assertEquals("spot-drain", notice.event());
        assertEquals(java.util.List.of(), input.validationProblems());
    }
}
