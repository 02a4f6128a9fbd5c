package dev.k3sautoscaler.errors;

import dev.k3sautoscaler.contract.Backoff;
import java.util.Arrays;
import java.util.Optional;

/**
 * Every named error a step can end with, and how the workflow retries it. This is the one place
 * that says whether an error is retryable: {@link StepError#retryable()} reads it, and the ASL's
 * Retry blocks are generated from it (each class's comment says why).
 */
public enum StepErrorType {
    INVALID_STEP_INPUT(InvalidStepInput.class, Retry.NEVER),
    STATE_STORE_UNAVAILABLE(StateStoreUnavailable.class, Retry.ON_STEP_SCHEDULE),
    STATE_STORE_REJECTED(StateStoreRejected.class, Retry.NEVER),
    LOCK_LOST(LockLost.class, Retry.NEVER),
    IDEMPOTENCY_IN_PROGRESS(IdempotencyInProgress.class, Retry.WAIT_OUT_IN_PROGRESS),
    IDEMPOTENCY_PAYLOAD_MISMATCH(IdempotencyPayloadMismatch.class, Retry.NEVER),
    EC2_UNAVAILABLE(Ec2Unavailable.class, Retry.ON_STEP_SCHEDULE),
    EC2_ACCESS_DENIED(Ec2AccessDenied.class, Retry.NEVER),
    EC2_REQUEST_REJECTED(Ec2RequestRejected.class, Retry.NEVER),
    INSUFFICIENT_CAPACITY(InsufficientCapacity.class, Retry.NEVER),
    REFUSED_TO_TERMINATE(RefusedToTerminate.class, Retry.NEVER),
    KUBERNETES_API_UNAVAILABLE(KubernetesApiUnavailable.class, Retry.ON_STEP_SCHEDULE),
    KUBERNETES_ACCESS_DENIED(KubernetesAccessDenied.class, Retry.NEVER),
    KUBERNETES_REQUEST_REJECTED(KubernetesRequestRejected.class, Retry.NEVER),
    CLUSTER_CREDENTIALS_UNAVAILABLE(ClusterCredentialsUnavailable.class, Retry.ON_STEP_SCHEDULE),
    NODE_NOT_FOUND(NodeNotFound.class, Retry.NEVER),
    NODE_NOT_MANAGED(NodeNotManaged.class, Retry.NEVER);

    /** How the workflow retries an error of this type. */
    public enum Retry {
        /** The same call fails the same way: the execution's Catch takes it. */
        NEVER,
        /** A blip (throttling, 5xx, a timeout) that passes: retried on the step's schedule for its retryable errors. */
        ON_STEP_SCHEDULE,
        /** Another invocation with the same key is in flight: wait for it to finish or for its claim to expire. */
        WAIT_OUT_IN_PROGRESS
    }

    private final Class<? extends StepError> type;
    private final Retry retry;

    StepErrorType(Class<? extends StepError> type, Retry retry) {
        this.type = type;
        this.retry = retry;
    }

    public Class<? extends StepError> type() {
        return type;
    }

    /** The name ASL matches on: the Lambda Java runtime reports the exception's fully qualified class name. */
    public String errorName() {
        return type.getName();
    }

    public Retry retry() {
        return retry;
    }

    public boolean retryable() {
        return retry != Retry.NEVER;
    }

    /** Its own schedule when it does not share the step's (waiting out another invocation's claim). */
    public Optional<Backoff> ownSchedule() {
        return retry == Retry.WAIT_OUT_IN_PROGRESS ? Optional.of(Backoff.WAIT_OUT_IN_PROGRESS) : Optional.empty();
    }

    public static StepErrorType of(Class<? extends StepError> type) {
        return Arrays.stream(values()).filter(known -> known.type == type).findFirst()
                .orElseThrow(() -> new IllegalStateException(type.getName() + " is a StepError missing from StepErrorType"));
    }

    public static Optional<StepErrorType> named(String errorName) {
        return Arrays.stream(values()).filter(known -> known.errorName().equals(errorName)).findFirst();
    }
}
