package dev.k3sautoscaler.simulator.replay;

/**
 * Why a cluster's history could not be turned into a scenario. The message is written for the
 * operator who typed the command; no partial scenario is ever returned alongside it.
 */
public abstract sealed class ReplayException extends RuntimeException
        permits PrometheusReadException, UnusableHistoryException {

    protected ReplayException(String message, Throwable cause) {
        super(message, cause);
    }
}
