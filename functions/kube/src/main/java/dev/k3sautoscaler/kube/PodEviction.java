package dev.k3sautoscaler.kube;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.URLUtils;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One policy/v1 eviction, sent on the client's own HTTP client (its token, TLS and timeouts) so the
 * answer is read whole: the client library's eviction call turns a 429 into {@code false} and drops
 * the Status, whose causes name the PodDisruptionBudget that refused — what an operator needs to
 * unblock the drain.
 */
final class PodEviction {
    /** kube-apiserver's words: "The disruption budget web needs 2 healthy pods and has 2 currently". */
    private static final Pattern BUDGET = Pattern.compile("disruption budget (\\S+)");
    private static final long WAIT_SECONDS = KubeClientFactory.REQUEST_TIMEOUT.toSeconds() + 1;

    /**
     * @param code   the HTTP status: 200/201 accepted, 429 refused by a budget, 404/409 for the caller to confirm
     * @param budget the refusing PodDisruptionBudget's name when the 429 names it, else null
     */
    record Answer(int code, String budget) {
        boolean accepted() {
            return code == 200 || code == 201;
        }
    }

    private PodEviction() {
    }

    /** Any other answer surfaces as the step error {@link KubeCalls#translate} names. */
    static Answer post(KubernetesClient client, Eviction eviction) {
        String namespace = eviction.getMetadata().getNamespace();
        String name = eviction.getMetadata().getName();
        String operation = "evict pod " + namespace + "/" + name;
        HttpClient http = client.getHttpClient();
        HttpRequest request = http.newHttpRequestBuilder()
                .uri(URLUtils.join(client.getMasterUrl().toString(), "api", "v1", "namespaces", namespace, "pods", name,
                        "eviction"))
                .post("application/json", client.getKubernetesSerialization().asJson(eviction))
                .timeout(KubeClientFactory.REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .build();
        HttpResponse<String> response;
        try {
            response = http.sendAsync(request, String.class).get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KubeCalls.translate(operation, new KubernetesClientException("interrupted", e));
        } catch (ExecutionException | TimeoutException e) {
            throw KubeCalls.translate(operation, new KubernetesClientException("no answer",
                    e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e));
        }
        int code = response.code();
        if (code == 200 || code == 201 || code == KubeCalls.NOT_FOUND || code == KubeCalls.CONFLICT) {
            return new Answer(code, null);
        }
        Status status = status(client, response.body(), code);
        if (code == KubeCalls.TOO_MANY_REQUESTS) {
            return new Answer(code, budget(status));
        }
        throw KubeCalls.translate(operation, new KubernetesClientException(status));
    }

    private static Status status(KubernetesClient client, String body, int code) {
        Status status = null;
        try {
            status = body == null || body.isBlank() ? null : client.getKubernetesSerialization().unmarshal(body, Status.class);
        } catch (RuntimeException notAStatus) {
            // a proxy's error page: the code alone says what happened
        }
        if (status == null) {
            status = new Status();
        }
        status.setCode(code);
        return status;
    }

    static String budget(Status status) {
        List<StatusCause> causes = status.getDetails() == null ? List.of()
                : Objects.requireNonNullElse(status.getDetails().getCauses(), List.of());
        return causes.stream().map(StatusCause::getMessage).filter(Objects::nonNull).map(BUDGET::matcher)
                .filter(Matcher::find).map(found -> found.group(1)).findFirst().orElse(null);
    }
}
