package dev.k3sautoscaler.state;

import dev.k3sautoscaler.testkit.dynamodb.LocalDynamoDb;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The tables on the JVM's shared DynamoDB Local; each test takes its own cluster id, so tests never
 * see each other's items.
 */
final class LocalState {
    static final String STATE_TABLE = "k3s-autoscaler-state";
    static final String EVENT_LOG_TABLE = "k3s-autoscaler-events";
    static final String IDEMPOTENCY_TABLE = "k3s-autoscaler-idempotency";
    static final Duration LOCK_TTL = Duration.ofSeconds(300);
    static final Duration RETENTION = Duration.ofDays(30);

    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    private static DynamoDbClient dynamo;

    private LocalState() {
    }

    static synchronized DynamoDbClient dynamo() {
        if (dynamo == null) {
            dynamo = LocalDynamoDb.shared().client();
            StateTables.createIfMissing(dynamo, STATE_TABLE, EVENT_LOG_TABLE, IDEMPOTENCY_TABLE);
        }
        return dynamo;
    }

    static String newClusterId() {
        return "cluster-" + CLUSTERS.incrementAndGet();
    }

    /** A new cluster's state item. */
    static StateAccess access(Clock clock) {
        return access(newClusterId(), clock, LOCK_TTL);
    }

    static StateAccess access(String clusterId, Clock clock, Duration lockTtl) {
        return new StateAccess(dynamo(), new StateSettings(clusterId, STATE_TABLE, EVENT_LOG_TABLE, RETENTION, lockTtl), clock);
    }
}
