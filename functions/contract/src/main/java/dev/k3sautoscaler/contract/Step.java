package dev.k3sautoscaler.contract;

import static dev.k3sautoscaler.errors.StepErrorType.CLUSTER_CREDENTIALS_UNAVAILABLE;
import static dev.k3sautoscaler.errors.StepErrorType.EC2_ACCESS_DENIED;
import static dev.k3sautoscaler.errors.StepErrorType.EC2_REQUEST_REJECTED;
import static dev.k3sautoscaler.errors.StepErrorType.EC2_UNAVAILABLE;
import static dev.k3sautoscaler.errors.StepErrorType.IDEMPOTENCY_IN_PROGRESS;
import static dev.k3sautoscaler.errors.StepErrorType.IDEMPOTENCY_PAYLOAD_MISMATCH;
import static dev.k3sautoscaler.errors.StepErrorType.INVALID_STEP_INPUT;
import static dev.k3sautoscaler.errors.StepErrorType.KUBERNETES_ACCESS_DENIED;
import static dev.k3sautoscaler.errors.StepErrorType.KUBERNETES_API_UNAVAILABLE;
import static dev.k3sautoscaler.errors.StepErrorType.KUBERNETES_REQUEST_REJECTED;
import static dev.k3sautoscaler.errors.StepErrorType.LOCK_LOST;
import static dev.k3sautoscaler.errors.StepErrorType.NODE_NOT_FOUND;
import static dev.k3sautoscaler.errors.StepErrorType.NODE_NOT_MANAGED;
import static dev.k3sautoscaler.errors.StepErrorType.REFUSED_TO_TERMINATE;
import static dev.k3sautoscaler.errors.StepErrorType.STATE_STORE_REJECTED;
import static dev.k3sautoscaler.errors.StepErrorType.STATE_STORE_UNAVAILABLE;

import dev.k3sautoscaler.errors.StepErrorType;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The step catalogue: every workflow step that is a Lambda, with everything the other parts agree
 * on. The ASL's Retry blocks are generated from it (and a test fails when the checked-in ASL
 * drifts), the CDK stack deploys from it, and the simulator builds and checks its functions by it.
 *
 * <p>A step's names: the enum constant {@code DRAIN_NODE}, the ASL Task state of the same name
 * {@code DrainNode} (other states may call the same function: {@link #states()}), the Lambda
 * function {@code drain-node}, and the definition substitution {@code ${DrainNodeArn}}.
 */
public enum Step {
    VALIDATE_INPUT(FunctionModule.DECIDE, "ValidateInputHandler", Reach.NOTHING, Timeouts.DEFAULT, Leased.NO,
            Retries.STANDARD, Errors.NONE, "ValidateInput"),
    COLLECT_METRICS(FunctionModule.METRICS, "CollectMetricsHandler", Reach.CLUSTER, Timeouts.DEFAULT, Leased.NO,
            Retries.STANDARD, Errors.NONE, "CollectMetrics"),
    LOAD_STATE(FunctionModule.STATE, "LoadStateHandler", Reach.STATE, Timeouts.DEFAULT, Leased.NO,
            Retries.STANDARD, Errors.STATE, "LoadState"),
    DECIDE(FunctionModule.DECIDE, "DecideHandler", Reach.NOTHING, Timeouts.DEFAULT, Leased.NO,
            Retries.STANDARD, Errors.NONE, "Decide"),
    ACQUIRE_LOCK(FunctionModule.STATE, "AcquireLockHandler", Reach.STATE, Timeouts.DEFAULT, Leased.NO,
            Retries.STANDARD, Errors.STATE, "AcquireLock", "AcquireLockToRetire"),
    RELEASE_LOCK(FunctionModule.STATE, "ReleaseLockHandler", Reach.STATE, Timeouts.DEFAULT, Leased.NO,
            Retries.UNTIL_RELEASED, Errors.STATE,
            "ReleaseLock", "ReleaseLockAfterAcquireFailure", "ReleaseLockAfterLaunch", "ReleaseLockAfterFailure"),
    RECORD_OUTCOME(FunctionModule.STATE, "RecordOutcomeHandler", Reach.STATE, Timeouts.DEFAULT, Leased.NO,
            Retries.STANDARD, Errors.FENCED_STATE,
            "RecordReconcile", "RecordUnneeded", "RecordReport", "RecordPause", "RecordResume", "RecordNoAction", "RecordLaunch",
            "RecordJoinTimeout", "RecordWorkersJoined", "RecordJoinWatchFailure", "RecordNoSafeTarget", "RecordScaleDown",
            "RecordSpotDrain", "RecordNoCapacity", "RecordFailure", "RecordLeaseLost"),
    BREAK_LOCK(FunctionModule.STATE, "BreakLockHandler", Reach.STATE, Timeouts.DEFAULT, Leased.NO,
            Retries.STANDARD, Errors.STATE, "BreakLock"),
    LAUNCH_WORKERS(FunctionModule.FLEET, "LaunchWorkersHandler", Reach.EC2, Timeouts.FLEET, Leased.YES,
            Retries.STANDARD, Errors.FLEET, "LaunchWorkers"),
    TERMINATE_WORKERS(FunctionModule.FLEET, "TerminateWorkersHandler", Reach.EC2, Timeouts.FLEET, Leased.YES,
            Retries.STANDARD, Errors.of(Errors.FLEET, REFUSED_TO_TERMINATE), "TerminateDrainedWorker"),
    CHECK_WORKERS_JOINED(FunctionModule.KUBE, "CheckWorkersJoinedHandler", Reach.CLUSTER, Timeouts.DEFAULT, Leased.NO,
            Retries.STANDARD, Errors.KUBE, "CheckWorkersJoined"),
    SELECT_SCALE_DOWN_TARGET(FunctionModule.KUBE, "SelectScaleDownTargetHandler", Reach.CLUSTER, Timeouts.DEFAULT,
            Leased.NO, Retries.STANDARD, Errors.KUBE, "SelectScaleDownTarget"),
    CORDON_NODE(FunctionModule.KUBE, "CordonNodeHandler", Reach.CLUSTER, Timeouts.DEFAULT, Leased.YES,
            Retries.STANDARD, Errors.FENCED_NODE, "CordonNode", "CordonInterruptedNode"),
    DRAIN_NODE(FunctionModule.KUBE, "DrainNodeHandler", Reach.CLUSTER, Timeouts.DRAIN, Leased.YES,
            Retries.STANDARD, Errors.FENCED_NODE, "DrainNode", "DrainInterruptedNode"),
    UNCORDON_NODE(FunctionModule.KUBE, "UncordonNodeHandler", Reach.CLUSTER, Timeouts.DEFAULT, Leased.NO,
            Retries.STANDARD, Errors.of(Errors.KUBE, NODE_NOT_FOUND, NODE_NOT_MANAGED), "UncordonNode", "UncordonAfterFailure"),
    DELETE_NODE(FunctionModule.KUBE, "DeleteNodeHandler", Reach.CLUSTER, Timeouts.DEFAULT, Leased.YES,
            Retries.STANDARD, Errors.FENCED_NODE, "DeleteNode", "DeleteInterruptedNode"),
    RECONCILE_WORKERS(FunctionModule.LIFECYCLE, "ReconcileWorkersHandler", Reach.EC2_AND_CLUSTER, Timeouts.RECONCILE,
            Leased.NO, Retries.FEW, Errors.of(Errors.EC2, Errors.KUBE), "ReconcileWorkers", "ObserveFleet"),
    IDENTIFY_EVENT_INSTANCE(FunctionModule.LIFECYCLE, "IdentifyEventInstanceHandler", Reach.EC2_READ,
            Timeouts.EVENT_IDENTIFY, Leased.NO, Retries.WITHIN_THE_WARNING, Errors.EC2, "IdentifyEventInstance"),
    /** Best effort for the operator's eyes: a quick retry, then the tick goes on and the next tick reports again. */
    REPORT_TO_CLUSTER(FunctionModule.KUBE, "ReportToClusterHandler", Reach.CLUSTER, Timeouts.DEFAULT, Leased.NO,
            Retries.FEW, Errors.KUBE, "ReportToCluster");

    /**
     * Lambda timeouts; each one's reason. The lease (LOCK_TTL_SEC) is validated against the longest
     * leased step's.
     */
    public static final class Timeouts {
        /** One or a few API calls with 10 s client timeouts (Prometheus: connect 3 s + request 10 s). */
        public static final Duration DEFAULT = Duration.ofSeconds(30);
        /** A launch that walks every offering with one SDK attempt each; also the idempotency claim's in-progress window. */
        public static final Duration FLEET = Duration.ofMinutes(2);
        /** One drain pass: a 20 s budget of evictions plus confirmation reads, with room for a slow API server. */
        public static final Duration DRAIN = Duration.ofSeconds(60);
        /** Two DescribeInstances, a Node list, one TerminateInstances and a get+delete per ghost Node (10 s client timeouts each). */
        public static final Duration RECONCILE = Duration.ofSeconds(60);
        /** One DescribeInstances by id; the Spot warning's 2 minutes cannot wait longer (the tick then drains anyway). */
        public static final Duration EVENT_IDENTIFY = Duration.ofSeconds(10);

        private Timeouts() {
        }
    }

    /** Whether the step checks and extends the scaling lease right before acting under the lock. */
    private enum Leased { YES, NO }

    /**
     * How the ASL retries a step: Lambda's own transient failures, then the step's retryable errors
     * and a state timeout, and for the lock's release anything at all as a last resort.
     */
    public record Retries(Backoff lambdaService, Backoff stepErrors, Optional<Backoff> anyError) {
        static final Retries STANDARD = new Retries(Backoff.LAMBDA_SERVICE, Backoff.STEP_ERRORS, Optional.empty());
        static final Retries UNTIL_RELEASED = new Retries(Backoff.LAMBDA_SERVICE, Backoff.STEP_ERRORS,
                Optional.of(Backoff.UNTIL_RELEASED));
        /** Every tick runs the reconcile again a minute later: two quick retries, then its Catch carries on without it. */
        static final Retries FEW = new Retries(Backoff.LAMBDA_SERVICE, new Backoff(3, 2, 2, 30, true), Optional.empty());
        /** A Spot warning leaves 2 minutes: identify the instance within seconds or let the drain find it. */
        static final Retries WITHIN_THE_WARNING = new Retries(new Backoff(1, 2, 2, 0, true), new Backoff(1, 1, 2, 0, true), Optional.empty());
    }

    /** The errors each kind of step can end with; every step can also end with InvalidStepInput. */
    private static final class Errors {
        static final Set<StepErrorType> NONE = EnumSet.noneOf(StepErrorType.class);
        static final Set<StepErrorType> STATE = EnumSet.of(STATE_STORE_UNAVAILABLE, STATE_STORE_REJECTED);
        static final Set<StepErrorType> FENCED_STATE = of(STATE, LOCK_LOST);
        static final Set<StepErrorType> EC2 = EnumSet.of(EC2_UNAVAILABLE, EC2_ACCESS_DENIED, EC2_REQUEST_REJECTED);
        static final Set<StepErrorType> KUBE = EnumSet.of(KUBERNETES_API_UNAVAILABLE, KUBERNETES_ACCESS_DENIED,
                KUBERNETES_REQUEST_REJECTED, CLUSTER_CREDENTIALS_UNAVAILABLE);
        /** Launch and terminate: EC2 behind an idempotency claim, under the lease. */
        static final Set<StepErrorType> FLEET = of(of(EC2, FENCED_STATE), IDEMPOTENCY_IN_PROGRESS, IDEMPOTENCY_PAYLOAD_MISMATCH);
        /** Cordon, drain and delete: one named Node, under the lease. */
        static final Set<StepErrorType> FENCED_NODE = of(of(KUBE, FENCED_STATE), NODE_NOT_FOUND, NODE_NOT_MANAGED);

        static Set<StepErrorType> of(Set<StepErrorType> base, StepErrorType... more) {
            EnumSet<StepErrorType> all = EnumSet.copyOf(base);
            all.addAll(List.of(more));
            return all;
        }

        static Set<StepErrorType> of(Set<StepErrorType> one, Set<StepErrorType> other) {
            EnumSet<StepErrorType> all = EnumSet.copyOf(one);
            all.addAll(other);
            return all;
        }
    }

    private final FunctionModule module;
    private final String handlerClass;
    private final Reach reach;
    private final Duration timeout;
    private final boolean leased;
    private final Retries retries;
    private final Set<StepErrorType> errors;
    private final List<String> states;

    Step(FunctionModule module, String handlerClass, Reach reach, Duration timeout, Leased leased, Retries retries,
            Set<StepErrorType> errors, String... states) {
        this.module = module;
        this.handlerClass = handlerClass;
        this.reach = reach;
        this.timeout = timeout;
        this.leased = leased == Leased.YES;
        this.retries = retries;
        this.errors = Errors.of(errors, INVALID_STEP_INPUT);
        this.states = List.of(states);
    }

    /** {@code DrainNode}: the name of the Task state that defines the step and of its role and log group in CDK. */
    public String stateName() {
        return Names.pascalFromConstant(name());
    }

    /** {@code drain-node}: the Lambda function name after the cluster id. */
    public String functionName() {
        return Names.kebab(stateName());
    }

    /** {@code DrainNodeArn}: the definition substitution that carries the function's alias ARN into the ASL. */
    public String substitution() {
        return stateName() + "Arn";
    }

    public FunctionModule module() {
        return module;
    }

    /** Fully qualified; the handlers are RequestStreamHandlers, so the class name is the whole handler string. */
    public String handler() {
        return module.javaPackage() + "." + handlerClass;
    }

    public Reach reach() {
        return reach;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Lambda memory by default: 512 MB buys about a third of a vCPU, which keeps a cold start near a second. */
    public int memoryMb() {
        return 512;
    }

    /** Checks and extends the scaling lease on the state table right before acting. */
    public boolean leased() {
        return leased;
    }

    public Retries retries() {
        return retries;
    }

    /** Every named error the step can end with. */
    public Set<StepErrorType> errors() {
        return errors;
    }

    /** The ASL Task states that invoke this function. */
    public List<String> states() {
        return states;
    }

    public static Optional<Step> ofFunction(String functionName) {
        return Arrays.stream(values()).filter(step -> step.functionName().equals(functionName)).findFirst();
    }

    public static Optional<Step> ofSubstitution(String substitution) {
        return Arrays.stream(values()).filter(step -> step.substitution().equals(substitution)).findFirst();
    }

    public static Stream<Step> leasedSteps() {
        return Arrays.stream(values()).filter(Step::leased);
    }
}
