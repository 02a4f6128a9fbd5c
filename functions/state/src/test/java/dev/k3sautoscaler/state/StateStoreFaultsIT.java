package dev.k3sautoscaler.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.errors.StateStoreRejected;
import dev.k3sautoscaler.errors.StateStoreUnavailable;
import dev.k3sautoscaler.errors.StepError;
import dev.k3sautoscaler.runtime.LocalLambdaContext;
import dev.k3sautoscaler.testkit.dynamodb.DynamoDbFaultServer;
import dev.k3sautoscaler.runtime.AwsClients;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * DynamoDB failures DynamoDB Local cannot produce, answered over HTTP in DynamoDB's wire format to
 * the real SDK client: they surface as named errors the ASL can retry or catch.
 */
class StateStoreFaultsIT {

    private static StateAccess stateAgainst(DynamoDbFaultServer faults) {
        // The production client (StateClients' retry policy), pointed at the fault server.
        DynamoDbClient client = AwsClients.build(StateClients.builder(), Region.US_EAST_1,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")), faults.endpoint());
        return new StateAccess(client,
                new StateSettings("cluster-faults", "state", "events", Duration.ofDays(30), Duration.ofSeconds(300)),
                Clock.systemUTC());
    }

    @Test
    void throttling_endsInStateStoreUnavailable_whichIsRetryable() {
        try (DynamoDbFaultServer faults = DynamoDbFaultServer.answering(DynamoDbFaultServer.THROTTLED)) {
            AcquireLockHandler handler = new AcquireLockHandler(new ScalingLease(stateAgainst(faults)));

            StateStoreUnavailable error = assertThrows(StateStoreUnavailable.class,
                    () -> handler.invoke("{\"execution\": \"exec-a\"}", LocalLambdaContext.forFunction("acquire-lock")));

            assertTrue(error.retryable());
            assertTrue(error.getMessage().contains("ProvisionedThroughputExceededException"), error.getMessage());
            assertEquals(StateClients.SDK_MAX_ATTEMPTS, faults.requests(), "the SDK retried a little, then gave up");
        }
    }

    @Test
    void serverError_endsInStateStoreUnavailable() {
        try (DynamoDbFaultServer faults = DynamoDbFaultServer.answering(DynamoDbFaultServer.INTERNAL_ERROR)) {
            StateReader reader = new StateReader(stateAgainst(faults));

            StepError error = assertThrows(StateStoreUnavailable.class, reader::load);

            assertTrue(error.retryable());
        }
    }

    @Test
    void missingTable_endsInStateStoreRejected_whichIsNotRetried() {
        try (DynamoDbFaultServer faults = DynamoDbFaultServer.answering(DynamoDbFaultServer.TABLE_MISSING)) {
            ScalingLease lock = new ScalingLease(stateAgainst(faults));

            StepError error = assertThrows(StateStoreRejected.class, () -> lock.release(new Lease("e", 1L, null)));

            assertFalse(error.retryable());
            assertTrue(error.getMessage().contains("ResourceNotFoundException"), error.getMessage());
        }
    }
}
