package dev.k3sautoscaler.state;

import static dev.k3sautoscaler.state.StateTableSchema.Env;

import dev.k3sautoscaler.core.config.ConfigVariable;
import dev.k3sautoscaler.core.config.EnvironmentReader;
import dev.k3sautoscaler.core.config.LeaseBudget;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The state module's settings, read at init; every problem is reported at once.
 *
 * @param clusterId         partition key of the state item and the event log ({@code [a-z0-9-]{1,40}})
 * @param stateTable        the state (lock) table
 * @param eventLogTable     the event-log table
 * @param eventLogRetention how long an event stays before DynamoDB TTL deletes it
 * @param lockTtl           the lease length (LOCK_TTL_SEC, shared with the policy's configuration)
 */
public record StateSettings(String clusterId, String stateTable, String eventLogTable,
                            Duration eventLogRetention, Duration lockTtl) {
    public static final Pattern CLUSTER_ID_FORM = Pattern.compile("[a-z0-9-]{1,40}");
    /** DynamoDB's own rule for table names. */
    public static final Pattern TABLE_NAME_FORM = Pattern.compile("[a-zA-Z0-9_.-]{3,255}");
    /** 30 days covers a monthly review of scaling behaviour; the table stays small (≈ 1,500 items/day at most). */
    public static final int DEFAULT_EVENT_LOG_RETENTION_DAYS = 30;

    public static StateSettings fromEnvironment(Map<String, String> environment) {
        EnvironmentReader reader = new EnvironmentReader(environment);
        String clusterId = clusterId(reader);
        String stateTable = tableName(reader, Env.STATE_TABLE);
        String eventLogTable = tableName(reader, Env.EVENT_LOG_TABLE);
        int retentionDays = reader.integer(Env.EVENT_LOG_RETENTION_DAYS, DEFAULT_EVENT_LOG_RETENTION_DAYS, 1, 3650);
        ConfigVariable ttl = ConfigVariable.LOCK_TTL_SEC;
        int lockTtlSeconds = reader.integer(ttl.name(), Integer.parseInt(ttl.defaultValue()), (int) ttl.min(), (int) ttl.max());
        // The lease must outlast the longest step that acts under it (every Lambda that takes or fences it checks).
        LeaseBudget.problem(Duration.ofSeconds(lockTtlSeconds)).ifPresent(reader::problem);
        reader.throwIfInvalid();
        return new StateSettings(clusterId, stateTable, eventLogTable,
                Duration.ofDays(retentionDays), Duration.ofSeconds(lockTtlSeconds));
    }

    static String clusterId(EnvironmentReader reader) {
        String clusterId = reader.requiredString(Env.CLUSTER_ID, "lower-case letters, digits and '-', at most 40");
        if (clusterId != null && !CLUSTER_ID_FORM.matcher(clusterId).matches()) {
            reader.problem(Env.CLUSTER_ID + "=" + clusterId + " must match " + CLUSTER_ID_FORM.pattern());
        }
        return clusterId;
    }

    /** Shared with the idempotency store's settings. */
    public static String tableName(EnvironmentReader reader, String variable) {
        String table = reader.requiredString(variable, "a DynamoDB table name");
        if (table != null && !TABLE_NAME_FORM.matcher(table).matches()) {
            reader.problem(variable + "=" + table + " is not a DynamoDB table name (" + TABLE_NAME_FORM.pattern() + ")");
        }
        return table;
    }
}
