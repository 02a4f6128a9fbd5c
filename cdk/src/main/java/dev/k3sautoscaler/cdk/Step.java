package dev.k3sautoscaler.cdk;

import dev.k3sautoscaler.core.config.LeaseBudget;

import java.time.Duration;

/**
 * Every workflow step that is a Lambda: its function name (kebab-case of the ASL state), the
 * module whose jar holds it, its handler class, the definition substitution that carries its alias
 * ARN into the ASL, and what it talks to (which decides its environment and its role).
 */
public enum Step {
    VALIDATE_INPUT("validate-input", "decide", "ValidateInputHandler", Talks.NOTHING, Timeouts.DEFAULT),
    COLLECT_METRICS("collect-metrics", "metrics", "CollectMetricsHandler", Talks.CLUSTER, Timeouts.DEFAULT),
    LOAD_STATE("load-state", "state", "LoadStateHandler", Talks.STATE, Timeouts.DEFAULT),
    DECIDE("decide", "decide", "DecideHandler", Talks.NOTHING, Timeouts.DEFAULT),
    ACQUIRE_LOCK("acquire-lock", "state", "AcquireLockHandler", Talks.STATE, Timeouts.DEFAULT),
    RELEASE_LOCK("release-lock", "state", "ReleaseLockHandler", Talks.STATE, Timeouts.DEFAULT),
    RECORD_OUTCOME("record-outcome", "state", "RecordOutcomeHandler", Talks.STATE, Timeouts.DEFAULT),
    BREAK_LOCK("break-lock", "state", "BreakLockHandler", Talks.STATE, Timeouts.DEFAULT),
    LAUNCH_WORKERS("launch-workers", "fleet", "LaunchWorkersHandler", Talks.EC2, Timeouts.FLEET),
    TERMINATE_WORKERS("terminate-workers", "fleet", "TerminateWorkersHandler", Talks.EC2, Timeouts.FLEET),
    CHECK_WORKERS_JOINED("check-workers-joined", "kube", "CheckWorkersJoinedHandler", Talks.CLUSTER, Timeouts.DEFAULT),
    SELECT_SCALE_DOWN_TARGET("select-scale-down-target", "kube", "SelectScaleDownTargetHandler", Talks.CLUSTER, Timeouts.DEFAULT),
    CORDON_NODE("cordon-node", "kube", "CordonNodeHandler", Talks.CLUSTER, Timeouts.DEFAULT),
    DRAIN_NODE("drain-node", "kube", "DrainNodeHandler", Talks.CLUSTER, Timeouts.DRAIN),
    UNCORDON_NODE("uncordon-node", "kube", "UncordonNodeHandler", Talks.CLUSTER, Timeouts.DEFAULT),
    DELETE_NODE("delete-node", "kube", "DeleteNodeHandler", Talks.CLUSTER, Timeouts.DEFAULT),
    RECONCILE_WORKERS("reconcile-workers", "lifecycle", "ReconcileWorkersHandler", Talks.EC2_AND_CLUSTER, Timeouts.RECONCILE),
    IDENTIFY_EVENT_INSTANCE("identify-event-instance", "lifecycle", "IdentifyEventInstanceHandler", Talks.EC2_READ,
            Timeouts.EVENT_IDENTIFY);

    /** What a step reaches outside itself. */
    public enum Talks {
        NOTHING, STATE, EC2, CLUSTER,
        /** The reconcile: EC2 (describe, terminate) and the K3s API (list and delete Nodes). */
        EC2_AND_CLUSTER,
        /** Describes instances only: the fleet's settings, no idempotency store, EC2's public endpoint. */
        EC2_READ;

        /** Calls the K3s API server: in the VPC networking modes it runs in the VPC. */
        public boolean reachesCluster() {
            return this == CLUSTER || this == EC2_AND_CLUSTER;
        }
    }

    /**
     * Lambda timeouts; each one's reason. The steps that act under the lock take theirs from
     * {@link LeaseBudget}, which LOCK_TTL_SEC is validated against.
     */
    static final class Timeouts {
        /** Every other step is one or a few API calls with 10 s client timeouts (Prometheus: connect 3 s + request 10 s). */
        static final Duration DEFAULT = LeaseBudget.DEFAULT_STEP_TIMEOUT;
        /** Must equal the idempotency store's in-progress window (IdempotentStep STEP_TIMEOUT = 2 min, docs/fleet.md). */
        static final Duration FLEET = LeaseBudget.FLEET_STEP_TIMEOUT;
        /** One drain pass has a 20 s budget of evictions plus confirmation reads; 60 s leaves room for a slow API server. */
        static final Duration DRAIN = LeaseBudget.DRAIN_STEP_TIMEOUT;
        /** Two DescribeInstances, a Node list, one TerminateInstances and a get+delete per ghost Node (10 s client timeouts each). */
        static final Duration RECONCILE = Duration.ofSeconds(60);
        /** One DescribeInstances by id; the Spot warning's 2 minutes cannot wait longer (the tick then drains anyway). */
        static final Duration EVENT_IDENTIFY = Duration.ofSeconds(10);

        private Timeouts() {
        }
    }

    private final String functionName;
    private final String module;
    private final String handlerClass;
    private final Talks talks;
    private final Duration timeout;

    Step(String functionName, String module, String handlerClass, Talks talks, Duration timeout) {
        this.functionName = functionName;
        this.module = module;
        this.handlerClass = handlerClass;
        this.talks = talks;
        this.timeout = timeout;
    }

    /** Lambda function name suffix: the ASL state in kebab-case ({@code DrainNode} → {@code drain-node}). */
    public String functionName() {
        return functionName;
    }

    public String module() {
        return module;
    }

    /** Fully qualified; the handlers are RequestStreamHandlers, so the class name is the whole handler string. */
    public String handler() {
        return "dev.k3sautoscaler." + module + "." + handlerClass;
    }

    public Talks talks() {
        return talks;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Checks and extends the scaling lease on the state table right before acting (see {@link LeaseBudget}). */
    public boolean leased() {
        return LeaseBudget.LEASED_STEPS.stream().anyMatch(step -> step.stateName().equals(stateName()));
    }

    /** The ASL state name in PascalCase ({@code drain-node} → {@code DrainNode}). */
    public String stateName() {
        StringBuilder name = new StringBuilder();
        for (String part : functionName.split("-")) {
            name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return name.toString();
    }

    /** The definition substitution key the ASL uses for this step's Lambda ({@code DrainNodeArn}). */
    public String substitution() {
        return stateName() + "Arn";
    }
}
