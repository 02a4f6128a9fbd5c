package dev.k3sautoscaler.simulator.engine;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The cluster's two secrets in one run, drawn from the scenario's seed (a run stays reproducible):
 * the K3s join token the master publishes for workers, and the autoscaler ServiceAccount's API
 * token, which the handlers send to the virtual K3s API. Both have the shapes of the real ones, so
 * a leak looks in the run's records as a real one would.
 *
 * @param joinToken {@code K10<sha256 of the cluster CA>::server:<secret>}
 * @param apiToken  a signed JWT's shape: header, payload and signature, base64url, dot-separated
 */
public record ClusterSecrets(String joinToken, String apiToken) {
    /** What a leak is found by: the whole secret, or a part that is secret on its own. */
    public record Fragment(String what, String value) {
    }

    /** Its own generator, so drawing the secrets does not shift the cluster's seeded draws. */
    private static final long SALT = 0x5EC2E75L;
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
    private static final String JOIN_SECRET_SEPARATOR = "::server:";
    /** The simulated world's first instant (epoch seconds) and the master's token lifetime. */
    private static final long TOKEN_ISSUED_AT = Simulation.START.getEpochSecond();
    private static final long TOKEN_VALIDITY_SECONDS = java.time.Duration.ofHours(24).toSeconds();

    public static ClusterSecrets forSeed(long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ SALT);
        String joinToken = "K10" + hex(random, 32) + JOIN_SECRET_SEPARATOR + hex(random, 16);
        String header = "{\"alg\":\"RS256\",\"kid\":\"" + URL.encodeToString(bytes(random, 32)) + "\"}";
        // A bound token as the TokenRequest API issues it: 24 h from the simulated day's start.
        String payload = "{\"aud\":[\"https://kubernetes.default.svc.cluster.local\",\"k3s\"],"
                + "\"exp\":" + (TOKEN_ISSUED_AT + TOKEN_VALIDITY_SECONDS) + ",\"iat\":" + TOKEN_ISSUED_AT + ","
                + "\"iss\":\"https://kubernetes.default.svc.cluster.local\","
                + "\"kubernetes.io\":{\"namespace\":\"kube-system\",\"serviceaccount\":{\"name\":\"k3s-autoscaler\","
                + "\"uid\":\"" + uuid(random) + "\"}},"
                + "\"sub\":\"system:serviceaccount:kube-system:k3s-autoscaler\"}";
        String apiToken = segment(header) + "." + segment(payload) + "." + URL.encodeToString(bytes(random, 256));
        return new ClusterSecrets(joinToken, apiToken);
    }

    /**
     * The whole secrets first, then their parts: the join token's secret (it joins a node even
     * without the CA hash) and the API token's payload and signature (the header says little).
     */
    public List<Fragment> fragments() {
        String[] jwt = apiToken.split("\\.");
        return List.of(
                new Fragment("the ServiceAccount API token", apiToken),
                new Fragment("the K3s join token", joinToken),
                new Fragment("the ServiceAccount API token's payload", jwt[1]),
                new Fragment("the ServiceAccount API token's signature", jwt[2]),
                new Fragment("the K3s join token's secret", joinToken.substring(
                        joinToken.indexOf(JOIN_SECRET_SEPARATOR) + JOIN_SECRET_SEPARATOR.length())));
    }

    @Override
    public String toString() {
        return "ClusterSecrets[<redacted>]";
    }

    private static byte[] bytes(SplittableRandom random, int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String hex(SplittableRandom random, int count) {
        return HexFormat.of().formatHex(bytes(random, count));
    }

    private static String uuid(SplittableRandom random) {
        return new java.util.UUID(random.nextLong(), random.nextLong()).toString();
    }

    private static String segment(String json) {
        return URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
