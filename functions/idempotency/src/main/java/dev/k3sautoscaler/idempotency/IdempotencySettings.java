package dev.k3sautoscaler.idempotency;

import dev.k3sautoscaler.core.config.EnvironmentReader;
import dev.k3sautoscaler.state.StateSettings;
import dev.k3sautoscaler.state.StateTableSchema.Env;
import java.util.Map;

/**
 * Where a side-effecting step keeps its idempotency records: only IDEMPOTENCY_TABLE, so a Launch or
 * Terminate Lambda needs no other state setting.
 */
public record IdempotencySettings(String table) {

    public static IdempotencySettings fromEnvironment(Map<String, String> environment) {
        EnvironmentReader reader = new EnvironmentReader(environment);
        String table = StateSettings.tableName(reader, Env.IDEMPOTENCY_TABLE);
        reader.throwIfInvalid();
        return new IdempotencySettings(table);
    }
}
