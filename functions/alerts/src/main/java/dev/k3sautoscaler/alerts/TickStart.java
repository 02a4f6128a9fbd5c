package dev.k3sautoscaler.alerts;

import dev.k3sautoscaler.core.control.TickInput;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * The tick an alert starts: its execution name and input. The name reads in the console as what
 * started it and when ({@code alert-20261205-134501-6f2c9a1e}); the message id's first characters
 * keep two alerts of one second apart, and a redelivered message keeps its name.
 *
 * @param executionName at most 80 characters of letters, digits and '-', as StartExecution accepts
 * @param input         {@link TickInput#alert(int)}
 */
public record TickStart(String executionName, Map<String, Object> input) {
    public static final String NAME_PREFIX = "alert-";
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final int MESSAGE_ID_CHARACTERS = 8;

    /** @param waitSeconds how long the tick waits before it observes: PENDING_UP_SEC, so it counts the pods */
    public static TickStart forAlert(Instant sentAt, String messageId, int waitSeconds) {
        String id = messageId.replaceAll("[^A-Za-z0-9]", "");
        String name = NAME_PREFIX + NAME_TIME.format(sentAt)
                + (id.isEmpty() ? "" : "-" + id.substring(0, Math.min(MESSAGE_ID_CHARACTERS, id.length())));
        return new TickStart(name, TickInput.alert(waitSeconds));
    }
}
