package dev.k3sautoscaler.testkit.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.workflow.TaskFailure;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The {@code sns:publish} integration as Step Functions answers it, for the local executor: a
 * MessageId, the published Parameters kept in order for a test or a report to read, and, when set,
 * the SNS error every publish fails with (a deleted topic, a missing permission).
 */
public final class FakeSnsTopic {
    private final String messageIdPrefix;
    private final List<JsonNode> published = new CopyOnWriteArrayList<>();
    private volatile String failure;

    public FakeSnsTopic(String messageIdPrefix) {
        this.messageIdPrefix = messageIdPrefix;
    }

    /** @param error e.g. {@code SNS.AuthorizationErrorException}; null: publishes succeed again */
    public void failWith(String error) {
        this.failure = error;
    }

    /** @param request the Task's resolved Parameters: {@code TopicArn}, {@code Message}, {@code MessageAttributes} */
    public JsonNode publish(JsonNode request) throws TaskFailure {
        String error = failure;
        if (error != null) {
            throw new TaskFailure(error, "SNS answered " + error + " (an injected failure)");
        }
        published.add(request);
        return StepJson.MAPPER.createObjectNode().put("MessageId", messageIdPrefix + published.size());
    }

    /** Every publish so far, as it happens (a live view). */
    public List<JsonNode> published() {
        return Collections.unmodifiableList(published);
    }
}
