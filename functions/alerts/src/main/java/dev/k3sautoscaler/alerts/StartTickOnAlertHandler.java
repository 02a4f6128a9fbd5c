package dev.k3sautoscaler.alerts;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.runtime.AwsClients;
import dev.k3sautoscaler.runtime.JsonStepHandler;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Lambda {@code start-tick-on-alert}: the unschedulable-pods fast path's push end. Alertmanager
 * publishes its alert to SNS, SNS invokes this function, and it starts the tick at once with
 * {@link dev.k3sautoscaler.core.control.TickInput#alert(int)}; the tick waits PENDING_UP_SEC in a
 * Wait state, then decides as a scheduled tick does. Nothing polls in between: an idle month costs
 * nothing (docs/decisions/fast-path-unschedulable-alert.md).
 *
 * <p>Input: SNS's Lambda event (one record). Output: {@link TickStarted}. Errors: {@code
 * InvalidStepInput} (not an SNS delivery: nothing started), {@link TickNotStarted} (Lambda retries
 * the delivery twice, then dead-letters it). Environment: {@link AlertSettings}.
 */
public final class StartTickOnAlertHandler extends JsonStepHandler<AlertDelivery, TickStarted> {
    public static final String STEP = "StartTickOnAlert";
    private static final Logger LOG = LoggerFactory.getLogger(StartTickOnAlertHandler.class);

    private final TickStarter starter;
    private final int waitSeconds;

    public StartTickOnAlertHandler() {
        this(System.getenv());
    }

    private StartTickOnAlertHandler(Map<String, String> environment) {
        this(AlertSettings.fromEnvironment(environment), environment);
    }

    private StartTickOnAlertHandler(AlertSettings settings, Map<String, String> environment) {
        this(settings, AwsClients.fromEnvironment(SfnClient.builder(), environment, settings.endpointOverride()));
    }

    /** For tests and the simulator: a client built as above, with the caller's region, credentials and endpoint. */
    public StartTickOnAlertHandler(AlertSettings settings, SfnClient stepFunctions) {
        super(AlertDelivery.class, STEP, settings.clusterId());
        this.starter = new TickStarter(stepFunctions, settings.tickStateMachineArn());
        this.waitSeconds = settings.waitSeconds();
    }

    @Override
    protected TickStarted handle(AlertDelivery delivery, Context context) {
        AlertDelivery.SnsMessage message = delivery.message();
        TickStarted started = starter.start(TickStart.forAlert(message.timestamp(), message.messageId(), waitSeconds), waitSeconds);
        LOG.info("{} tick {} for alert message {} (waits {} s before it observes)",
                started.alreadyStarted() ? "Already started" : "Started", started.executionName(), message.messageId(), waitSeconds);
        return started;
    }
}
