package dev.k3sautoscaler.state;

/**
 * Every DynamoDB table, key and attribute name the autoscaler uses, in one place: the state Lambdas,
 * the idempotency store, the CDK stack (table definitions, TTL attributes, IAM conditions) and the
 * simulator read them from here. Deliberately no AWS imports, so depending on it costs nothing.
 * The layout is described in docs/state.md.
 */
public final class StateTableSchema {
    private StateTableSchema() {
    }

    /** Environment variables that name the tables and tune the module. */
    public static final class Env {
        public static final String CLUSTER_ID = "CLUSTER_ID";
        public static final String STATE_TABLE = "STATE_TABLE";
        public static final String EVENT_LOG_TABLE = "EVENT_LOG_TABLE";
        public static final String IDEMPOTENCY_TABLE = "IDEMPOTENCY_TABLE";
        public static final String EVENT_LOG_RETENTION_DAYS = "EVENT_LOG_RETENTION_DAYS";

        private Env() {
        }
    }

    /** One item per cluster: the scaling lock and the ScalingState. */
    public static final class State {
        /** Partition key (S). */
        public static final String CLUSTER_ID = "cluster_id";

        /** Execution holding (or last holding) the lock (S); removed on release. */
        public static final String LOCK_OWNER = "lock_owner";
        /** Epoch seconds (N) until which the lease is live; set to the release time on release. */
        public static final String LOCK_UNTIL = "lock_until";
        /** Epoch seconds (N) of the current lease's acquisition. */
        public static final String LOCK_ACQUIRED_AT = "lock_acquired_at";
        /** Grows by one with every acquisition (N); the lease's fencing token. */
        public static final String FENCING_TOKEN = "fencing_token";

        /** Grows by one with every state write (N); optimistic concurrency for the lockless Spot path. */
        public static final String STATE_VERSION = "state_version";
        /** ISO-8601 instants (S). */
        public static final String LAST_SCALE_UP_AT = "last_scale_up_at";
        public static final String LAST_SCALE_DOWN_AT = "last_scale_down_at";
        public static final String LAST_FAILURE_AT = "last_failure_at";
        /** N */
        public static final String CONSECUTIVE_FAILURES = "consecutive_failures";
        /** L of M: instance_id, instance_type, availability_zone, launched_at. */
        public static final String PENDING_LAUNCHES = "pending_launches";
        /** L of M: instance_type, availability_zone, capacity_type, until, reason. */
        public static final String UNAVAILABLE_OFFERINGS = "unavailable_offerings";
        /** BOOL and S. */
        public static final String PAUSED = "paused";
        /** SCALE_UP or SCALE_DOWN: which direction the consecutive failures came from (absent: both). */
        public static final String FAILED_ACTION = "failed_action";
        /** Nodes whose scale-down could not finish, passed over until their {@code until}. */
        public static final String BLOCKED_NODES = "blocked_nodes";
        public static final String PAUSED_REASON = "paused_reason";
        /** L of M: node, instance_id, since — the per-node scale-down timers (written by the tick on change). */
        public static final String UNNEEDED_NODES = "unneeded_nodes";
        /** M of digest, at — what the tick last told the cluster (status ConfigMap, events); absent: never. */
        public static final String REPORTED = "reported";
        public static final String DIGEST = "digest";
        public static final String AT = "at";
        /** Keys inside the maps of UNNEEDED_NODES. */
        public static final String NODE = "node";
        public static final String SINCE = "since";
        /** Hash of the last applied outcome (S): a retried RecordOutcome is not applied twice. */
        public static final String LAST_OUTCOME_ID = "last_outcome_id";
        /** Who last wrote the state, and when (S, S). */
        public static final String UPDATED_BY = "updated_by";
        public static final String UPDATED_AT = "updated_at";

        /** Keys inside the maps of PENDING_LAUNCHES and UNAVAILABLE_OFFERINGS. */
        public static final String INSTANCE_ID = "instance_id";
        public static final String INSTANCE_TYPE = "instance_type";
        public static final String AVAILABILITY_ZONE = "availability_zone";
        public static final String LAUNCHED_AT = "launched_at";
        public static final String CAPACITY_TYPE = "capacity_type";
        public static final String UNTIL = "until";
        public static final String REASON = "reason";

        private State() {
        }
    }

    /** One item per recorded outcome, newest first per cluster, expiring after the retention. */
    public static final class EventLog {
        /** Partition key (S). */
        public static final String CLUSTER_ID = "cluster_id";
        /** Sort key (S): {@code <UTC time, fixed-width ISO-8601 with millis>#<execution>#<outcome hash prefix>}. */
        public static final String EVENT_KEY = "event_key";
        /** TTL attribute (N, epoch seconds). */
        public static final String EXPIRES_AT = "expires_at";

        public static final String AT = "at";
        public static final String EXECUTION = "execution";
        public static final String ACTION = "action";
        public static final String RESULT = "result";
        public static final String COUNT = "count";
        public static final String INSTANCE_IDS = "instance_ids";
        public static final String REASON = "reason";
        public static final String ERROR = "error";
        public static final String FENCING_TOKEN = "fencing_token";

        private EventLog() {
        }
    }

    /** Powertools for AWS Lambda's idempotency record schema, so the store can be swapped for it later. */
    public static final class Idempotency {
        /** Partition key (S): {@code <step name>#<hash of the key payload>}. */
        public static final String ID = "id";
        /** TTL attribute (N, epoch seconds). */
        public static final String EXPIRATION = "expiration";
        /** S: INPROGRESS or COMPLETED (EXPIRED is derived from expiration, never stored). */
        public static final String STATUS = "status";
        /** S: the completed step's result as JSON. */
        public static final String DATA = "data";
        /** N, epoch milliseconds: an INPROGRESS record older than this belongs to a crashed invocation. */
        public static final String IN_PROGRESS_EXPIRATION = "in_progress_expiration";
        /** S: hash of the validation payload. */
        public static final String VALIDATION = "validation";

        public static final String STATUS_IN_PROGRESS = "INPROGRESS";
        public static final String STATUS_COMPLETED = "COMPLETED";

        private Idempotency() {
        }
    }
}
