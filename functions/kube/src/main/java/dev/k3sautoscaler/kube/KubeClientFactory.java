package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.clusterauth.ClusterCredentials;
import dev.k3sautoscaler.errors.ClusterCredentialsUnavailable;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpLoggingInterceptor;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Builds the fabric8 client from {@link ClusterCredentials}: nothing is read from a kubeconfig,
 * the environment or a pod's mounted ServiceAccount (a Lambda has none, and a stray
 * ~/.kube/config on a developer machine must not redirect tests). The bearer token comes from
 * the credentials' supplier on each request, so a rotated token in SSM is picked up when the
 * cache expires, and it is never copied into the Config's printable fields.
 */
public final class KubeClientFactory {
    /** The master answers within milliseconds when up; past 3 s it is rebooting and the step retries. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** The largest call is one page of pods (KubeCalls.PAGE_SIZE, well under a second); 10 s leaves room yet keeps a drain pass short. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /**
     * No retries inside the client: its default (10 retries with backoff) swallows an eviction's
     * 429 — the PodDisruptionBudget answer the drain must report — and would spend a Lambda's time
     * on a dead API server. Step Functions owns retries (Retry on KubernetesApiUnavailable).
     */
    static final int CLIENT_RETRIES = 0;

    private KubeClientFactory() {
    }

    /** Read per request; SSM is asked only when the Powertools cache has expired. */
    private static String token(ClusterCredentials credentials) {
        return read("the ServiceAccount token", credentials::bearerToken);
    }

    private static String read(String what, java.util.function.Supplier<String> value) {
        try {
            return value.get();
        } catch (RuntimeException e) {
            // The SDK's message names the parameter and the cause, never a parameter's value.
            throw new ClusterCredentialsUnavailable("cannot read " + what + " from SSM: " + e.getMessage(), e);
        }
    }

    public static KubernetesClient create(ClusterCredentials credentials) {
        // fabric8 logs every request header, Authorization included, when this logger is at TRACE;
        // keep it quiet whatever POWERTOOLS_LOG_LEVEL says, so the token never reaches CloudWatch.
        Configurator.setLevel(HttpLoggingInterceptor.class.getName(), Level.INFO);
        ConfigBuilder config = new ConfigBuilder(Config.empty())
                .withMasterUrl(credentials.apiServerUrl().toString())
                .withOauthTokenProvider(() -> token(credentials))
                .withConnectionTimeout((int) CONNECT_TIMEOUT.toMillis())
                .withRequestTimeout((int) REQUEST_TIMEOUT.toMillis())
                .withRequestRetryBackoffLimit(CLIENT_RETRIES);
        String caPem = read("the cluster CA certificate", credentials::caCertificatePem);
        if (caPem != null && !caPem.isBlank()) {
            config.withCaCertData(Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.UTF_8)));
        }
        return new KubernetesClientBuilder()
                .withConfig(config.build())
                .withHttpClientFactory(new JdkHttpClientFactory())
                .build();
    }
}
