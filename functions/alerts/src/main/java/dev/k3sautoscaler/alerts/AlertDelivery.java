package dev.k3sautoscaler.alerts;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.k3sautoscaler.runtime.Validatable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What SNS hands the function: one record per invocation, the fast path's alert notice inside.
 * Only the fields the start needs are read; the notice's text is Alertmanager's fixed
 * {@code "<n> unschedulable pods"} and is not needed to start a tick.
 */
public record AlertDelivery(@JsonProperty("Records") List<SnsRecord> records) implements Validatable {
    static final String SNS_EVENT_SOURCE = "aws:sns";

    /** One delivered message. */
    public record SnsRecord(@JsonProperty("EventSource") String eventSource, @JsonProperty("Sns") SnsMessage sns) {
    }

    /** The message as SNS published it: its id, when, and on which topic. */
    public record SnsMessage(@JsonProperty("MessageId") String messageId, @JsonProperty("TopicArn") String topicArn,
                             @JsonProperty("Timestamp") Instant timestamp) {
    }

    /** The one message of the delivery; valid once {@link #validationProblems()} is empty. */
    public SnsMessage message() {
        return records.getFirst().sns();
    }

    @Override
    public List<String> validationProblems() {
        List<String> problems = new ArrayList<>();
        if (records == null || records.size() != 1) {
            problems.add("Records must hold exactly one SNS record (SNS delivers one message per invocation), got "
                    + (records == null ? "none" : records.size()));
            return problems;
        }
        SnsRecord record = records.getFirst();
        if (record == null || !SNS_EVENT_SOURCE.equals(record.eventSource())) {
            problems.add("Records[0].EventSource must be " + SNS_EVENT_SOURCE);
        }
        SnsMessage sns = record == null ? null : record.sns();
        if (sns == null) {
            problems.add("Records[0].Sns is missing");
            return problems;
        }
        if (sns.messageId() == null || sns.messageId().isBlank()) {
            problems.add("Records[0].Sns.MessageId is missing");
        }
        if (sns.timestamp() == null) {
            problems.add("Records[0].Sns.Timestamp is missing");
        }
        return problems;
    }
}
