package dev.k3sautoscaler.state;

import dev.k3sautoscaler.runtime.AwsClients;
import java.util.Map;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/** The DynamoDB client of the state steps and the idempotency store. */
public final class StateClients {
    /**
     * SDK attempts per call. The DynamoDB client's default policy kept retrying a throttled call for
     * 58 s inside the Lambda (measured against a throttling endpoint); with 3 attempts it fails in
     * about 3-6 s as StateStoreUnavailable, and the ASL Retry, visible in the console, backs off.
     */
    public static final int SDK_MAX_ATTEMPTS = 3;

    private StateClients() {
    }

    /** A builder with the state module's retry policy; finish it with AwsClients. */
    public static DynamoDbClientBuilder builder() {
        return DynamoDbClient.builder().overrideConfiguration(config -> config.retryStrategy(
                AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(SDK_MAX_ATTEMPTS).build()));
    }

    /** For Lambda: region and credentials from the environment. */
    public static DynamoDbClient fromEnvironment(Map<String, String> environment) {
        return AwsClients.fromEnvironment(builder(), environment, null);
    }
}
