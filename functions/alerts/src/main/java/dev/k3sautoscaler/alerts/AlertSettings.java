package dev.k3sautoscaler.alerts;

import dev.k3sautoscaler.core.config.EnvironmentReader;
import dev.k3sautoscaler.core.control.TickInput;
import java.net.URI;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The fast path's settings, read once at init; every problem is reported together.
 *
 * @param tickStateMachineArn the tick's state machine (the stack's {@code <cluster>-tick})
 * @param waitSeconds         PENDING_UP_SEC: the tick waits this long before it observes
 * @param endpointOverride    the Step Functions endpoint for the simulator and tests; null in AWS
 */
public record AlertSettings(String clusterId, String tickStateMachineArn, int waitSeconds, URI endpointOverride) {
    public static final String CLUSTER_ID = "CLUSTER_ID";
    public static final String TICK_STATE_MACHINE_ARN = "TICK_STATE_MACHINE_ARN";
    public static final String TICK_WAIT_SECONDS = "TICK_WAIT_SECONDS";
    public static final String STEP_FUNCTIONS_ENDPOINT_URL = "STEP_FUNCTIONS_ENDPOINT_URL";
    private static final Pattern STATE_MACHINE_ARN = Pattern.compile("arn:aws[a-z-]*:states:[a-z0-9-]+:\\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}");

    public static AlertSettings fromEnvironment(Map<String, String> environment) {
        EnvironmentReader reader = new EnvironmentReader(environment);
        String clusterId = reader.requiredString(CLUSTER_ID, "lower-case letters, digits and '-', at most 40");
        String arn = reader.requiredString(TICK_STATE_MACHINE_ARN, "the tick's state machine ARN");
        if (arn != null && !STATE_MACHINE_ARN.matcher(arn).matches()) {
            reader.problem(TICK_STATE_MACHINE_ARN + "=" + arn + " is not a state machine ARN like "
                    + "arn:aws:states:eu-west-1:123456789012:stateMachine:prod-tick");
        }
        int wait = reader.integer(TICK_WAIT_SECONDS, 0, 0, TickInput.MAX_WAIT_SECONDS);
        URI endpoint = reader.endpoint(STEP_FUNCTIONS_ENDPOINT_URL, "http://127.0.0.1:8083");
        reader.throwIfInvalid();
        return new AlertSettings(clusterId, arn, wait, endpoint);
    }
}
