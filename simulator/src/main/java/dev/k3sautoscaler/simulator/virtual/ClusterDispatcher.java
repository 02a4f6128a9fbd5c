package dev.k3sautoscaler.simulator.virtual;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fabric8's CRUD dispatcher plus what it lacks: authentication (401 to any request that carries
 * neither the autoscaler's bearer token nor the world's own), the policy/v1 Eviction subresource,
 * answered by the simulated cluster with its PodDisruptionBudgets (201, 429, 404, or 409 when the
 * uid precondition names an older pod), and a K3s API outage (503 for the autoscaler's requests,
 * recognised by its bearer token, while the world's own writes go on).
 */
final class ClusterDispatcher extends KubernetesCrudDispatcher {
    private static final Pattern EVICTION = Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/?]+)/eviction(\\?.*)?$");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the cluster says to one eviction request. */
    enum Answer { EVICTED, BLOCKED_BY_PDB, NOT_FOUND, UID_MISMATCH }

    @FunctionalInterface
    interface Evictions {
        Answer evict(String namespace, String name, String uidPrecondition);
    }

    private final String autoscalerToken;
    private final String worldToken;
    private final BooleanSupplier outage;
    private final Evictions evictions;

    /** @param worldToken what the kubelets, scheduler and controllers of the simulated cluster write with */
    ClusterDispatcher(String autoscalerToken, String worldToken, BooleanSupplier outage, Evictions evictions) {
        this.autoscalerToken = autoscalerToken;
        this.worldToken = worldToken;
        this.outage = outage;
        this.evictions = evictions;
    }

    /**
     * The CRUD server stamps creation with its wall clock and keeps that stamp on every update; a
     * world write that names a creation time (virtual time) keeps it instead, so "oldest node" and
     * every timestamp a step reads follow the run, not the machine's clock.
     */
    @Override
    public void preserveMetadata(JsonNode existing, JsonNode updated) {
        String requested = updated.path("metadata").path("creationTimestamp").asText("");
        super.preserveMetadata(existing, updated);
        if (!requested.isEmpty()) {
            ((ObjectNode) updated.get("metadata")).put("creationTimestamp", requested);
        }
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String authorization = request.getHeader("Authorization");
        boolean autoscaler = ("Bearer " + autoscalerToken).equals(authorization);
        if (!autoscaler && !("Bearer " + worldToken).equals(authorization)) {
            return status(401, "Unauthorized", "Unauthorized");
        }
        if (autoscaler && outage.getAsBoolean()) {
            return status(503, "ServiceUnavailable", "the server is currently unable to handle the request");
        }
        Matcher eviction = EVICTION.matcher(request.getPath());
        if ("POST".equals(request.getMethod()) && eviction.matches()) {
            return evict(eviction.group(1), eviction.group(2), request.getUtf8Body());
        }
        return super.dispatch(request);
    }

    private MockResponse evict(String namespace, String name, String body) {
        String uid = null;
        try {
            JsonNode precondition = JSON.readTree(body).path("deleteOptions").path("preconditions").path("uid");
            uid = precondition.isTextual() ? precondition.asText() : null;
        } catch (IOException e) {
            return status(400, "BadRequest", "the Eviction body is not JSON: " + e.getMessage());
        }
        return switch (evictions.evict(namespace, name, uid)) {
            case EVICTED -> status(201, null, null);
            case BLOCKED_BY_PDB -> status(429, "TooManyRequests",
                    "Cannot evict pod as it would violate the pod's disruption budget.");
            case NOT_FOUND -> status(404, "NotFound", "pods \"" + name + "\" not found");
            case UID_MISMATCH -> status(409, "Conflict", "Precondition failed: UID in precondition: " + uid
                    + ", UID in object meta differs");
        };
    }

    private static MockResponse status(int code, String reason, String message) {
        var status = JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1")
                .put("status", code < 300 ? "Success" : "Failure").put("code", code);
        if (reason != null) {
            status.put("reason", reason).put("message", message);
        }
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
                .setBody(status.toString());
    }
}
