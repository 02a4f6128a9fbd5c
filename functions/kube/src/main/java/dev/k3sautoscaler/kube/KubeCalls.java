package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.errors.KubernetesAccessDenied;
import dev.k3sautoscaler.errors.KubernetesApiUnavailable;
import dev.k3sautoscaler.errors.KubernetesRequestRejected;
import dev.k3sautoscaler.errors.StepError;
import com.fasterxml.jackson.core.JacksonException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Turns fabric8's one exception type into the named step errors the ASL retries or catches.
 * Messages are built here from the operation, the HTTP code and the API's own status message:
 * never from request headers, so the bearer token cannot leak into an execution's error output.
 *
 * <p>A 200 whose body is empty, cut short or not a Kubernetes object is a server talking nonsense
 * (a proxy's error page, an API server restarting): KubernetesApiUnavailable, retried like a 503.
 * fabric8 hands an empty body back as a null list or a null object, which the steps would otherwise
 * read as a NullPointerException, or worse as "no such Node".
 */
final class KubeCalls {
    static final int NOT_FOUND = 404;
    static final int CONFLICT = 409;
    static final int TOO_MANY_REQUESTS = 429;
    static final int GONE = 410;
    /** The field selector of {@link #get}'s confirming list: a namespace may hold thousands of pods. */
    static final String METADATA_NAME = "metadata.name";
    /**
     * Items per list request. 500 realistic pods are ≈ 3 MB of JSON, read in well under a second, so a
     * step holds one page of objects plus its views of the pages before; 5,000 pods in one answer were
     * 28 MB and did not fit a 150 MB heap (docs/performance.md, kube steps at 5,000 pods).
     */
    static final int PAGE_SIZE = 500;
    /**
     * How often a listing starts over when its continue token expired (410: etcd compacted the
     * revision its first page was read at, every 5 min on K3s). Pages of two revisions could count a
     * pod that moved in between twice or not at all, so the listing restarts rather than continuing
     * inconsistently; a listing takes seconds, so a second expiry in a row means a sick server.
     */
    static final int EXPIRED_LISTING_RESTARTS = 2;

    private KubeCalls() {
    }

    static <T> T call(String operation, Supplier<T> call) {
        try {
            return call.get();
        } catch (KubernetesClientException e) {
            throw translate(operation, e);
        }
    }

    /** The items of a list call; an answer without a list, or with an item without a name, is nonsense. */
    static <T extends HasMetadata> List<T> list(String operation, Supplier<? extends KubernetesResourceList<T>> call) {
        return items(operation, call(operation, call));
    }

    private static <T extends HasMetadata> List<T> items(String operation, KubernetesResourceList<T> list) {
        if (list == null || list.getItems() == null) {
            throw nonsense(operation, "an empty body");
        }
        if (list.getItems().stream().anyMatch(item -> name(item) == null)) {
            throw nonsense(operation, "a body that is not a Kubernetes object (an item without a name)");
        }
        return list.getItems();
    }

    /**
     * Every item of a list call, read in pages of {@link #PAGE_SIZE} (limit/continue), those {@code keep}
     * accepts reduced by {@code view} as each page arrives: the objects of a page are garbage once the
     * next is read, so memory follows the views, not the JSON. Each page is checked like {@link #list}.
     *
     * @param page one request for the given limit and continue token
     * @param keep checked in code too: a server or proxy may ignore a field selector
     */
    static <T extends HasMetadata, V> List<V> listPaged(String operation,
            Function<ListOptions, ? extends KubernetesResourceList<T>> page, Predicate<? super T> keep,
            Function<? super T, ? extends V> view) {
        for (int listing = 0; ; listing++) {
            List<V> views = new ArrayList<>();
            String token = null;
            try {
                do {
                    ListOptions options = new ListOptionsBuilder().withLimit((long) PAGE_SIZE).withContinue(token).build();
                    KubernetesResourceList<T> answer = page.apply(options);
                    for (T item : items(operation, answer)) {
                        if (keep.test(item)) {
                            views.add(view.apply(item));
                        }
                    }
                    String next = answer.getMetadata() == null ? null : answer.getMetadata().getContinue();
                    if (next != null && next.equals(token)) {
                        throw nonsense(operation, "a continue token that does not advance");
                    }
                    token = next == null || next.isEmpty() ? null : next;
                } while (token != null);
                return views;
            } catch (KubernetesClientException e) {
                if (e.getCode() != GONE || token == null) {
                    throw translate(operation, e);
                }
                if (listing >= EXPIRED_LISTING_RESTARTS) {
                    throw new KubernetesApiUnavailable(operation + " failed: the K3s API server expired the listing's"
                            + " continue token " + (listing + 1) + " times in a row (HTTP 410)", e);
                }
            }
        }
    }

    /**
     * One object, or null when it does not exist. fabric8 returns null both for a 404 and for an
     * empty 200 body, so a null is believed only when {@code all} does not list the object either
     * ({@code isIt}: the same name, or for a pod the same uid, so a pod recreated under its name in
     * between is no contradiction). The extra list is paid only when the object looks gone, and
     * selects the name ({@link #METADATA_NAME}) so it stays one small answer.
     */
    static <T extends HasMetadata> T get(String operation, Supplier<T> get,
                                         Supplier<? extends KubernetesResourceList<T>> all, Predicate<T> isIt) {
        T found = call(operation, get);
        if (found != null) {
            if (name(found) == null) {
                throw nonsense(operation, "a body that is not a Kubernetes object (no name)");
            }
            return found;
        }
        if (list(operation + " (confirming it is gone)", all).stream().anyMatch(isIt)) {
            throw nonsense(operation, "an empty body or a 404, yet still lists it");
        }
        return null;
    }

    /** A Node by name, or null when neither its GET nor the list has it. */
    static Node getNode(KubernetesClient client, String name) {
        return get("get node " + name, () -> client.nodes().withName(name).get(),
                () -> client.nodes().withField(METADATA_NAME, name).list(), listed -> name.equals(listed.getMetadata().getName()));
    }

    static StepError translate(String operation, KubernetesClientException e) {
        int code = e.getCode();
        // fabric8 parses a body only from a 2xx; an unreadable one surfaces without an HTTP code.
        if (code < 100 && causedBy(e, JacksonException.class)) {
            return nonsense(operation, "a body that is not a Kubernetes object (" + rootCause(e) + ")", e);
        }
        String detail = e.getStatus() != null && e.getStatus().getMessage() != null ? ": " + e.getStatus().getMessage() : "";
        if (code == 401) {
            return new KubernetesAccessDenied(operation + " was refused (HTTP 401): the ServiceAccount token is invalid or"
                    + " expired; re-create the k3s-autoscaler token Secret and the SSM parameter the master writes", e);
        }
        if (code == 403) {
            return new KubernetesAccessDenied(operation + " was forbidden (HTTP 403" + detail + "): the ClusterRole in"
                    + " cluster-bootstrap/manifests/autoscaler-rbac.yaml must grant it; compare with docs/kube.md", e);
        }
        // fabric8 reports "no HTTP answer" (refused, reset, timed out) with a code below 100.
        boolean noAnswer = code < 100;
        if (noAnswer || code >= 500 || code == TOO_MANY_REQUESTS || code == 408) {
            String what = noAnswer ? "no answer (" + rootCause(e) + ")" : "HTTP " + code + detail;
            return new KubernetesApiUnavailable(operation + " failed: the K3s API server gave " + what, e);
        }
        return new KubernetesRequestRejected(operation + " was rejected (HTTP " + code + detail + ")", e);
    }

    private static KubernetesApiUnavailable nonsense(String operation, String answer) {
        return nonsense(operation, answer, null);
    }

    private static KubernetesApiUnavailable nonsense(String operation, String answer, Throwable cause) {
        return new KubernetesApiUnavailable(operation + " failed: the K3s API server answered with " + answer, cause);
    }

    private static String name(HasMetadata object) {
        return object == null || object.getMetadata() == null ? null : object.getMetadata().getName();
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    /** The innermost cause's class name: "HttpTimeoutException", "ConnectException"; its message may hold a URL, never a header. */
    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }
}
