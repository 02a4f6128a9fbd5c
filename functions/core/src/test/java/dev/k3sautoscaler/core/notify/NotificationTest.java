package dev.k3sautoscaler.core.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotificationTest {

    @Test
    void itsAttributes_keepTheRenderersOrder_soEveryRunWritesTheSameStateData() {
        // GIVEN attributes in the order the renderer writes them
        Map<String, String> attributes = new LinkedHashMap<>();
        List.of("event", "cluster", "outcome", "execution", "trigger", "requestedBy", "error")
                .forEach(name -> attributes.put(name, name + "-value"));
        Map<String, Long> numbers = new LinkedHashMap<>();
        List.of("count", "workersBefore", "workersAfter").forEach(name -> numbers.put(name, 1L));

        // WHEN a notice holds them
        Notification notice = new Notification(true, "scale-up", "subject", "text", attributes, numbers);

        // THEN it iterates them in that order: an order drawn anew by each JVM would make two runs of the
        // same scenario write different execution histories and SNS messages
        assertEquals(new ArrayList<>(attributes.keySet()), new ArrayList<>(notice.attributes().keySet()));
        assertEquals(new ArrayList<>(numbers.keySet()), new ArrayList<>(notice.numbers().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> notice.attributes().put("x", "y"));
    }

    @Test
    void aMissingValue_isRefused() {
        Map<String, String> attributes = new HashMap<>();
        attributes.put("error", null);
        assertThrows(NullPointerException.class, () -> new Notification(true, "failure", "s", "t", attributes, Map.of()));
    }
}
