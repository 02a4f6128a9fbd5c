package dev.k3sautoscaler.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.internal.MockDispatcher;
import io.fabric8.mockwebserver.internal.SimpleRequest;
import java.io.IOException;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fabric8's CRUD dispatcher (its store indexed, {@link IndexedCrudDispatcher}) plus what a K3s API server does and CRUD mode lacks, in the order the
 * real server applies it: authentication (when a token is required, 401 to any request carrying
 * neither the autoscaler's bearer token nor the world's own), an outage (503 to the autoscaler's
 * requests only, while the world's writes go on), a test's scripted answers (the mock server's
 * expectations, as in fabric8's mixed mode), and the policy/v1 Eviction subresource (404 for a
 * missing pod, 409 when the uid precondition names another incarnation, then 201 or 429 as
 * {@link Evictions} decide; CRUD mode alone would answer every eviction 409 and enforce no budget),
 * list requests' field selectors and pages ({@link ListRequests}), and what a real kubectl reads:
 * discovery ({@link KubectlDiscovery}) and core/v1 lists of events.k8s.io/v1 events
 * ({@link CoreEventsView}).
 */
final class KubeApiDispatcher extends IndexedCrudDispatcher {
    private static final Pattern EVICTION = Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/?]+)/eviction(\\?.*)?$");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NODES = "/api/v1/nodes";

    private final Map<ServerRequest, Queue<ServerResponse>> responses;
    private final MockDispatcher scripted;
    /** Null: every request is served, whatever it carries (the suites that test no authentication). */
    private final String autoscalerToken;
    private final String worldToken;
    private final BooleanSupplier outage;
    private volatile Evictions evictions;
    private final AtomicInteger evictionRequests = new AtomicInteger();
    private final AtomicLong bytesServed = new AtomicLong();
    private final AtomicLong nodeWrites = new AtomicLong();
    private final ListRequests lists = new ListRequests();

    KubeApiDispatcher(Map<ServerRequest, Queue<ServerResponse>> responses, String autoscalerToken, String worldToken,
            BooleanSupplier outage) {
        this.responses = responses;
        this.scripted = new MockDispatcher(responses);
        this.autoscalerToken = autoscalerToken;
        this.worldToken = worldToken;
        this.outage = outage;
    }

    void evictions(Evictions evictions) {
        this.evictions = evictions;
    }

    int evictionRequests() {
        return evictionRequests.get();
    }

    long bytesServed() {
        return bytesServed.get();
    }

    long nodeWrites() {
        return nodeWrites.get();
    }

    void expireNextContinues(int times) {
        lists.expireNextContinues(times);
    }

    /**
     * The CRUD server stamps creation with its wall clock and keeps that stamp on every update; a
     * write that names a creation time (the simulator's virtual time) keeps it instead, so "oldest
     * node" and every timestamp a step reads follow the run, not the machine's clock.
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
        MockResponse response = answer(request);
        if (response.getBody() != null) {
            bytesServed.addAndGet(response.getBody().size());
        }
        return response;
    }

    /**
     * The CRUD server answers JSON without saying so; a client that prefers protobuf (kubectl's typed
     * requests) would then try to read it as protobuf.
     */
    private static MockResponse declaredJson(MockResponse crud) {
        if (crud.header("Content-Type") == null && crud.getWebSocketListener() == null && crud.getBody() != null
                && crud.getBody().size() > 0) {
            crud.setHeader("Content-Type", "application/json");
        }
        return crud;
    }

    private MockResponse answer(RecordedRequest request) {
        String authorization = request.getHeader("Authorization");
        boolean autoscaler = autoscalerToken == null || ("Bearer " + autoscalerToken).equals(authorization);
        if (!autoscaler && !("Bearer " + worldToken).equals(authorization)) {
            return status(401, "Unauthorized", "Unauthorized");
        }
        if (autoscaler && outage.getAsBoolean()) {
            return status(503, "ServiceUnavailable", "the server is currently unable to handle the request");
        }
        if (!"GET".equals(request.getMethod()) && request.getPath().startsWith(NODES)
                && !("Bearer " + worldToken).equals(authorization)) {
            nodeWrites.incrementAndGet();
        }
        Queue<ServerResponse> answers = responses.get(new SimpleRequest(HttpMethod.valueOf(request.getMethod()), request.getPath()));
        if (answers != null && !answers.isEmpty()) {
            return scripted.dispatch(request);
        }
        Matcher eviction = EVICTION.matcher(request.getPath());
        if ("POST".equals(request.getMethod()) && eviction.matches()) {
            return evict(eviction.group(1), eviction.group(2), request.getUtf8Body());
        }
        if ("GET".equals(request.getMethod()) && KubectlDiscovery.handles(request.getPath())) {
            return KubectlDiscovery.answer(request.getPath(), request.getHeader("Host"));
        }
        if ("GET".equals(request.getMethod()) && CoreEventsView.handles(request.getPath())) {
            return lists.answer(request.getPath(), path -> ListRequests.Listing.of(CoreEventsView.answer(path, this::read)));
        }
        if ("GET".equals(request.getMethod()) && ListRequests.handles(request.getPath())) {
            return lists.answer(request.getPath(), this::listing);
        }
        return declaredJson(super.dispatch(request));
    }

    /** The whole list at {@code path} for {@link ListRequests}: from the index, else from fabric8's answer. */
    private ListRequests.Listing listing(String path) {
        ListRequests.Listing indexed = indexedListing(path);
        return indexed != null ? indexed : ListRequests.Listing.of(declaredJson(super.dispatch(internal(HttpMethod.GET, path, null))));
    }

    private MockResponse evict(String namespace, String name, String body) {
        evictionRequests.incrementAndGet();
        String uid;
        try {
            JsonNode precondition = JSON.readTree(body).path("deleteOptions").path("preconditions").path("uid");
            uid = precondition.isTextual() ? precondition.asText() : null;
        } catch (IOException e) {
            return status(400, "BadRequest", "the Eviction body is not JSON: " + e.getMessage());
        }
        JsonNode pod = read(podPath(namespace, name));
        EvictionAnswer answer;
        if (pod == null) {
            answer = EvictionAnswer.NOT_FOUND;
        } else if (uid != null && !uid.equals(pod.path("metadata").path("uid").asText())) {
            answer = EvictionAnswer.UID_MISMATCH;
        } else {
            answer = evictions.evict(namespace, name);
        }
        return switch (answer) {
            case EVICTED -> status(201, null, null);
            case BLOCKED_BY_PDB -> budgetRefusal(namespace, name, pod);
            case NOT_FOUND -> evictionStatus(404, name);
            case UID_MISMATCH -> status(409, "Conflict", "Precondition failed: UID in precondition: " + uid
                    + ", UID in object meta differs");
        };
    }

    /**
     * kube-apiserver's 429 names the budget in the Status's causes ("The disruption budget web needs 2
     * healthy pods and has 2 currently"); the budget is found here when the server holds it.
     */
    private MockResponse budgetRefusal(String namespace, String name, JsonNode pod) {
        MockResponse refusal = evictionStatus(429, name);
        JsonNode budgets = read("/apis/policy/v1/namespaces/" + namespace + "/poddisruptionbudgets");
        if (budgets == null || pod == null) {
            return refusal;
        }
        Pod target = ServerEvictions.SERIALIZATION.convertValue(pod, Pod.class);
        for (JsonNode budget : budgets.path("items")) {
            var selector = ServerEvictions.SERIALIZATION.convertValue(budget.path("spec").path("selector"), LabelSelector.class);
            if (ServerEvictions.selects(selector, target)) {
                ObjectNode status;
                try {
                    status = (ObjectNode) JSON.readTree(refusal.getBody().readUtf8());
                } catch (IOException e) {
                    throw new IllegalStateException("our own Status is JSON", e);
                }
                status.putObject("details").putArray("causes").addObject().put("reason", "DisruptionBudget")
                        .put("message", "The disruption budget " + budget.path("metadata").path("name").asText()
                                + " needs more healthy pods than it would have");
                return new MockResponse().setResponseCode(429).setHeader("Content-Type", "application/json")
                        .setBody(status.toString());
            }
        }
        return refusal;
    }

    /** The Status kube-apiserver answers an eviction with, for the statuses a test may script. */
    static MockResponse evictionStatus(int code, String name) {
        return switch (code) {
            case 200, 201 -> status(code, null, null);
            case 429 -> status(code, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.");
            case 404 -> status(code, "NotFound", "pods \"" + name + "\" not found");
            case 409 -> status(code, "Conflict", "Operation cannot be fulfilled on pods \"" + name + "\"");
            default -> status(code, code >= 500 ? "InternalError" : "BadRequest", "the eviction of " + name + " failed");
        };
    }

    static String podPath(String namespace, String name) {
        return StoreRequests.path(Pod.class, namespace, name);
    }

    // ---- the store, read and written in-process (a request to the server from inside it could wait on itself) ----

    /** The object or list at {@code path}, or null when the server has none. */
    JsonNode read(String path) {
        MockResponse response = super.dispatch(internal(HttpMethod.GET, path, null));
        if (response.code() != 200) {
            return null;
        }
        try {
            return JSON.readTree(response.getBody().getBytes());
        } catch (IOException e) {
            throw new IllegalStateException("the CRUD server answered " + path + " with invalid JSON", e);
        }
    }

    /** Replaces the object at {@code path}; false when the server refused. */
    boolean replace(String path, JsonNode object) {
        return update(path, object) != null;
    }

    /** Creates the object in the collection at {@code path}: the object as stored, or null when the server refused. */
    JsonNode create(String path, JsonNode object) {
        return stored(super.dispatch(internal(HttpMethod.POST, path, object.toString())));
    }

    /** Replaces the object at {@code path}: the object as stored, or null when the server refused (a stale resourceVersion among the reasons). */
    JsonNode update(String path, JsonNode object) {
        return stored(super.dispatch(internal(HttpMethod.PUT, path, object.toString())));
    }

    /** Deletes the object at {@code path}, if there is one. */
    void delete(String path) {
        super.dispatch(internal(HttpMethod.DELETE, path, null));
    }

    private static JsonNode stored(MockResponse response) {
        if (response.code() >= 300) {
            return null;
        }
        if (response.getBody() == null) {
            return JSON.createObjectNode(); // a terminating object whose last finalizer went is gone: nothing to answer with
        }
        try {
            return JSON.readTree(response.getBody().getBytes());
        } catch (IOException e) {
            throw new IllegalStateException("the CRUD server answered a write with invalid JSON", e);
        }
    }

    private static RecordedRequest internal(HttpMethod method, String path, String body) {
        Buffer buffer = new Buffer();
        if (body != null) {
            buffer.writeUtf8(body);
        }
        return new RecordedRequest("HTTP/1.1", method, path,
                Headers.builder().add("Content-Type", "application/json").build(), buffer);
    }

    static MockResponse status(int code, String reason, String message) {
        var status = JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1")
                .put("status", code < 300 ? "Success" : "Failure").put("code", code);
        if (reason != null) {
            status.put("reason", reason).put("message", message);
        }
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
                .setBody(status.toString());
    }
}
