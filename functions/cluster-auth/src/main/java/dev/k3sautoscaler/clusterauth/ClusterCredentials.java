package dev.k3sautoscaler.clusterauth;

import dev.k3sautoscaler.core.config.EnvironmentReader;
import dev.k3sautoscaler.runtime.AwsClients;
import java.net.URI;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.lambda.powertools.parameters.ssm.SSMProvider;

/**
 * How the Lambdas reach the K3s API server (and Prometheus through its service proxy): the API
 * URL, the cluster CA, and the autoscaler ServiceAccount's bearer token. The token and CA live in
 * SSM (written by the master at boot; the expiring token re-issued every 6 h) and are read through Powertools Parameters with a cache, so
 * a warm Lambda does not call SSM on every step. The token is never logged or returned:
 * {@link #toString()} redacts it and no step output carries this object.
 */
public final class ClusterCredentials {
    public static final String API_URL_VARIABLE = "K8S_API_URL";
    public static final String TOKEN_PARAMETER_VARIABLE = "K8S_API_TOKEN_PARAM";
    public static final String CA_CERT_PARAMETER_VARIABLE = "K8S_CA_CERT_PARAM";
    /**
     * The master issues a token valid 24 h and re-issues it every 6 h (API_TOKEN_VALIDITY_HOURS and
     * API_TOKEN_ROTATION_HOURS in cluster-bootstrap/userdata/master.sh.tpl). The oldest token a warm
     * Lambda holds is then at most 6 h + 5 min old, well inside 24 h (ApiTokenLifetimeTest); 5 minutes
     * costs ~1 SSM call per warm Lambda per 5 min.
     */
    public static final int CACHE_MINUTES = 5;

    private final URI apiServerUrl;
    private final Supplier<String> caCertificatePem;
    private final Supplier<String> bearerToken;

    private ClusterCredentials(URI apiServerUrl, Supplier<String> caCertificatePem, Supplier<String> bearerToken) {
        this.apiServerUrl = apiServerUrl;
        this.caCertificatePem = caCertificatePem;
        this.bearerToken = bearerToken;
    }

    /** For tests and the simulator: fixed values. {@code caCertificatePem} may be null (trust the JDK's CAs). */
    public static ClusterCredentials of(URI apiServerUrl, String caCertificatePem, Supplier<String> bearerToken) {
        return new ClusterCredentials(apiServerUrl, () -> caCertificatePem, bearerToken);
    }

    /** For Lambda: SSM client from the environment. */
    public static ClusterCredentials fromEnvironment(Map<String, String> environment) {
        SsmClient ssm = AwsClients.fromEnvironment(SsmClient.builder(), environment, null);
        return fromEnvironment(environment, ssm);
    }

    /** Reads the variables (every problem reported at once) and binds the SSM parameters lazily. */
    public static ClusterCredentials fromEnvironment(Map<String, String> environment, SsmClient ssm) {
        EnvironmentReader reader = new EnvironmentReader(environment);
        String url = reader.requiredString(API_URL_VARIABLE, "the K3s API server URL, e.g. https://10.0.1.10:6443");
        String tokenParameter = reader.requiredString(TOKEN_PARAMETER_VARIABLE,
                "the SSM SecureString name holding the autoscaler ServiceAccount token");
        String caParameter = reader.raw(CA_CERT_PARAMETER_VARIABLE);
        URI apiUrl = null;
        if (url != null) {
            try {
                apiUrl = URI.create(url);
                if (!"https".equals(apiUrl.getScheme()) && !"http".equals(apiUrl.getScheme())) {
                    reader.problem(API_URL_VARIABLE + "=" + url + " must be an http(s) URL");
                }
            } catch (IllegalArgumentException e) {
                reader.problem(API_URL_VARIABLE + "=" + url + " is not a URL");
            }
        }
        reader.throwIfInvalid();
        SSMProvider parameters = SSMProvider.builder().withClient(ssm).build();
        Supplier<String> token = () -> parameters.withDecryption().withMaxAge(CACHE_MINUTES, ChronoUnit.MINUTES)
                .get(tokenParameter);
        Supplier<String> ca = caParameter == null ? () -> null
                : () -> parameters.withMaxAge(CACHE_MINUTES, ChronoUnit.MINUTES).get(caParameter);
        return new ClusterCredentials(apiUrl, ca, token);
    }

    public URI apiServerUrl() {
        return apiServerUrl;
    }

    /** PEM text of the cluster CA, or null to trust the JDK's default CAs. */
    public String caCertificatePem() {
        return caCertificatePem.get();
    }

    /** The bearer token. Callers put it in an Authorization header and nowhere else. */
    public String bearerToken() {
        return bearerToken.get();
    }

    @Override
    public String toString() {
        return "ClusterCredentials[apiServerUrl=" + apiServerUrl + ", token=<redacted>]";
    }
}
