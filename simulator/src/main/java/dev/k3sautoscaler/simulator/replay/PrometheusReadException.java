package dev.k3sautoscaler.simulator.replay;

/** Prometheus could not be asked, or did not answer as Prometheus does. */
public final class PrometheusReadException extends ReplayException {

    public enum Problem {
        /** No connection: refused, unknown host, TLS, connect timeout. */
        UNREACHABLE,
        /** Connected, but no answer within the request timeout. */
        TIMEOUT,
        /** HTTP 401 or 403: a token is missing or not accepted. */
        REFUSED,
        /** Something answered, but not Prometheus's HTTP API (a wrong URL or path). */
        NOT_PROMETHEUS,
        /** Prometheus answered with an error for a query (overloaded, a limit, or a bug in the query). */
        QUERY_FAILED,
        /** The bearer token file cannot be read or is empty. */
        BEARER_TOKEN
    }

    private final Problem problem;

    PrometheusReadException(Problem problem, String message) {
        this(problem, message, null);
    }

    PrometheusReadException(Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
