package dev.k3sautoscaler.runtime;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Builds every AWS SDK client the same way: the Apache HTTP client, region from
 * {@code AWS_REGION}, credentials from the Lambda environment, and an endpoint override only when
 * one is given (tests, the simulator). Clients are built once, in INIT, where SnapStart snapshots them.
 *
 * <p>Not url-connection, though it starts quicker: before every request with a body (all DynamoDB
 * and EC2 calls are POSTs) it probes the reused connection with a read that waits 1 ms and throws,
 * so each call paid about a millisecond more. Apache checks a pooled connection only after it sat
 * idle 2 s, which in a Lambda is the first call after a freeze. Netty is excluded from the jars.
 */
public final class AwsClients {
    /** Connect quickly or fail: a step's retry policy handles the rest. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** Longest single AWS call we expect (EC2 RunInstances); well inside a step's Lambda timeout. */
    public static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(20);

    private AwsClients() {
    }

    /** For Lambda: region and credentials from the environment; {@code endpointOverride} may be null. */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C fromEnvironment(
            B builder, Map<String, String> environment, URI endpointOverride) {
        String region = environment.getOrDefault("AWS_REGION", environment.get("AWS_DEFAULT_REGION"));
        if (region == null || region.isBlank()) {
            throw new IllegalStateException("AWS_REGION is not set (Lambda always sets it; set it for local runs)");
        }
        return build(builder, Region.of(region), EnvironmentVariableCredentialsProvider.create(), endpointOverride);
    }

    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(
            B builder, Region region, AwsCredentialsProvider credentials, URI endpointOverride) {
        builder.httpClient(ApacheHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(SOCKET_TIMEOUT)
                        .build())
                .region(region)
                .credentialsProvider(credentials);
        if (endpointOverride != null) {
            builder.endpointOverride(endpointOverride);
        }
        return builder.build();
    }
}
