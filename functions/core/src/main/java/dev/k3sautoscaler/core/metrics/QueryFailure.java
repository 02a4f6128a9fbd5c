package dev.k3sautoscaler.core.metrics;

/** The ways one Prometheus query fails. An outage (5xx, no connection) is never a rejected query (4xx). */
public enum QueryFailure {
    /** No connection: refused, DNS, TLS handshake, reset. */
    UNREACHABLE,
    /** Connected, but no answer within the request timeout. */
    TIMEOUT,
    /** A 5xx answer, from Prometheus (starting up, overloaded) or a proxy in front of it. */
    UNAVAILABLE,
    /** A 4xx answer: a bad query, a query Prometheus refused to run, or a proxy refusing the request. */
    REJECTED,
    /** The answer is not the JSON of an instant query. */
    MALFORMED,
    /** The request could not be prepared: the token or CA could not be read. */
    SETUP;

    /** By HTTP status: 5xx is an outage, anything else not 2xx a rejection. */
    public static QueryFailure ofStatus(int status) {
        return status >= 500 ? UNAVAILABLE : REJECTED;
    }
}
