package dev.k3sautoscaler.testkit.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoreEventsViewTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static final JsonNode EVENTS_V1 = json("""
            {'apiVersion':'events.k8s.io/v1','kind':'Event',
             'metadata':{'namespace':'default','name':'web-1.a','uid':'u-a'},
             'regarding':{'kind':'Pod','namespace':'default','name':'web-1','uid':'p-1'},
             'reason':'NotTriggerScaleUp','note':'no group can grow','type':'Warning','action':'ScaleUp',
             'reportingController':'k3s-autoscaler','reportingInstance':'reconcile',
             'eventTime':'2026-11-23T10:00:00.000000Z',
             'series':{'count':3,'lastObservedTime':'2026-11-23T10:08:00.000000Z'}}""");

    private static JsonNode answer(String path, Map<String, String> stored) {
        return json(CoreEventsView.answer(path, at -> stored.containsKey(at) ? json(stored.get(at)) : null)
                .getBody().readUtf8());
    }

    @Test
    void anEventsV1Event_isServedAsKubeApiserverConvertsIt() {
        JsonNode core = CoreEventsView.core(EVENTS_V1);

        assertEquals("v1", core.path("apiVersion").asText());
        assertEquals("web-1", core.path("involvedObject").path("name").asText());
        assertEquals("no group can grow", core.path("message").asText());
        assertEquals("k3s-autoscaler", core.path("reportingComponent").asText());
        assertEquals("reconcile", core.path("reportingInstance").asText());
        assertEquals(3, core.path("series").path("count").asInt(), "the series stays a series");
        // Count, first and last timestamp and source are the deprecated fields, absent here: not made up from the series.
        assertFalse(core.has("count"));
        assertFalse(core.has("lastTimestamp"));
        assertFalse(core.has("firstTimestamp"));
        assertFalse(core.has("source"));
    }

    @Test
    void theDeprecatedFields_becomeTheCoreOnes() {
        JsonNode event = EVENTS_V1.deepCopy();
        ((ObjectNode) event).put("deprecatedCount", 3)
                .put("deprecatedFirstTimestamp", "2026-11-23T10:00:00Z").put("deprecatedLastTimestamp", "2026-11-23T10:08:00Z")
                .putObject("deprecatedSource").put("component", "k3s-autoscaler");

        JsonNode core = CoreEventsView.core(event);

        assertEquals(3, core.path("count").asInt());
        assertEquals("2026-11-23T10:00:00Z", core.path("firstTimestamp").asText());
        assertEquals("2026-11-23T10:08:00Z", core.path("lastTimestamp").asText());
        assertEquals("k3s-autoscaler", core.path("source").path("component").asText());
    }

    @Test
    void aCoreList_holdsBothAPIsEvents_selectedByTheInvolvedObject() {
        Map<String, String> stored = Map.of(
                "/api/v1/namespaces/default/events", """
                        {"metadata":{"resourceVersion":"7"},"items":[
                          {"apiVersion":"v1","kind":"Event","metadata":{"namespace":"default","name":"web-1.b","uid":"u-b"},
                           "involvedObject":{"kind":"Pod","namespace":"default","name":"web-1"},"reason":"Scheduled"},
                          {"apiVersion":"v1","kind":"Event","metadata":{"namespace":"default","name":"web-2.c","uid":"u-c"},
                           "involvedObject":{"kind":"Pod","namespace":"default","name":"web-2"},"reason":"Scheduled"},
                          %s]}""".formatted(EVENTS_V1),
                "/apis/events.k8s.io/v1/namespaces/default/events", """
                        {"metadata":{"resourceVersion":"7"},"items":[%s]}""".formatted(EVENTS_V1));

        JsonNode list = answer("/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dweb-1", stored);

        assertEquals("EventList", list.path("kind").asText());
        assertEquals("7", list.path("metadata").path("resourceVersion").asText());
        assertEquals(List.of("web-1.a", "web-1.b"), list.path("items").valueStream()
                .map(item -> item.path("metadata").path("name").asText()).toList(), "each event once, converted");
        assertEquals("v1", list.path("items").get(0).path("apiVersion").asText());
        assertEquals(2, answer("/api/v1/namespaces/default/events?fieldSelector=reason%3DScheduled", stored)
                .path("items").size());
    }

    @Test
    void aFieldTheServerDoesNotSelectOn_is400() {
        var refused = CoreEventsView.answer("/api/v1/events?fieldSelector=involvedObject.color%3Dblue", at -> null);

        assertEquals(400, refused.code());
        assertEquals("field label not supported: involvedObject.color",
                json(refused.getBody().readUtf8()).path("message").asText());
    }
}
