package dev.k3sautoscaler.core.notify;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A rendered notice: Slack-readable text plus structured attributes (SNS MessageAttributes).
 *
 * @param publish    false for outcomes nobody needs to hear about (a NOOP, a launch whose join is still pending)
 * @param event      the event type, also the {@code event} attribute: scale-up, scale-down, at-max-capacity,
 *                   join-timeout, drain-aborted, failure, spot-drain, paused, resumed, lock-broken, control-refused
 * @param subject    ASCII, one line, under 100 characters (SNS's limits for a Subject)
 * @param text       one line for Slack and e-mail: "Added 3 workers → 5 workers (…)"
 * @param attributes string attributes (event, cluster, outcome, execution, trigger, requestedBy, error)
 * @param numbers    numeric attributes (count, workersBefore, workersAfter); with the strings at most
 *                   10, SNS's limit per message
 */
public record Notification(
        boolean publish,
        String event,
        String subject,
        String text,
        Map<String, String> attributes,
        Map<String, Long> numbers) {

    public Notification {
        attributes = ordered(attributes);
        numbers = ordered(numbers);
    }

    /**
     * An unmodifiable copy in the given order. Not {@code Map.copyOf}: its order is drawn anew in every
     * JVM, and two runs of one scenario would write different state data and SNS messages.
     */
    private static <V> Map<String, V> ordered(Map<String, V> given) {
        Map<String, V> copy = new LinkedHashMap<>();
        given.forEach((name, value) -> copy.put(Objects.requireNonNull(name), Objects.requireNonNull(value, name)));
        return Collections.unmodifiableMap(copy);
    }
}
