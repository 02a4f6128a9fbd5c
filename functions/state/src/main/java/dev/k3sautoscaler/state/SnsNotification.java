package dev.k3sautoscaler.state;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.k3sautoscaler.core.notify.Notification;
import dev.k3sautoscaler.runtime.StepJson;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A rendered notice in the shape the workflow's {@code arn:aws:states:::sns:publish} task passes on
 * unchanged: {@code Subject}, {@code Message} (with {@code MessageStructure: json}) and
 * {@code MessageAttributes}. The Lambdas hold no SNS client; Step Functions publishes.
 *
 * @param publish    whether the workflow publishes it (false for a NOOP or a launch whose join is pending)
 * @param event      event type, as the {@code event} attribute
 * @param subject    SNS Subject (e-mail subject line)
 * @param text       the one-line text (Slack, e-mail body, and the execution's final summary)
 * @param message    the SNS Message for {@code MessageStructure: json}: {@code default} is an AWS Chatbot
 *                   custom notification (Slack), {@code email} the plain text
 * @param attributes SNS MessageAttributes: event, cluster, outcome, action, trigger, requestedBy, counts
 */
public record SnsNotification(boolean publish, String event, String subject, String text, String message,
                              Map<String, Attribute> attributes) {

    /** One SNS message attribute, named as the SNS Publish API names its fields. */
    public record Attribute(@JsonProperty("DataType") String dataType, @JsonProperty("StringValue") String stringValue) {
    }

    public static SnsNotification of(Notification notice, String clusterId) {
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        notice.attributes().forEach((name, value) -> attributes.put(name, new Attribute("String", value)));
        notice.numbers().forEach((name, value) -> attributes.put(name, new Attribute("Number", Long.toString(value))));
        return new SnsNotification(notice.publish(), notice.event(), notice.subject(), notice.text(),
                message(notice, clusterId), attributes);
    }

    /** AWS Chatbot shows only its own formats; a custom notification renders {@code description} as Markdown in Slack. */
    private static String message(Notification notice, String clusterId) {
        Map<String, Object> chatbot = new LinkedHashMap<>();
        chatbot.put("version", "1.0");
        chatbot.put("source", "custom");
        Map<String, String> content = new LinkedHashMap<>();
        content.put("textType", "client-markdown");
        content.put("title", "k3s-autoscaler " + clusterId + ": " + notice.event());
        content.put("description", notice.text());
        chatbot.put("content", content);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("threadId", clusterId);
        metadata.put("summary", notice.subject());
        metadata.put("eventType", notice.event());
        chatbot.put("metadata", metadata);
        try {
            String slack = StepJson.MAPPER.writeValueAsString(chatbot);
            Map<String, String> byProtocol = new LinkedHashMap<>();
            byProtocol.put("default", slack);
            byProtocol.put("email", notice.text());
            return StepJson.MAPPER.writeValueAsString(byProtocol);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a notification as JSON", e);
        }
    }
}
