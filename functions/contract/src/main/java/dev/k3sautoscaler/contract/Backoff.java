package dev.k3sautoscaler.contract;

/**
 * One ASL retry schedule: wait {@code intervalSeconds}, then multiply by {@code rate} after each of
 * at most {@code maxAttempts} retries, never waiting more than {@code maxDelaySeconds} (0: no cap);
 * full jitter spreads retries of executions that failed together (a throttled API) apart.
 */
public record Backoff(int intervalSeconds, int maxAttempts, double rate, int maxDelaySeconds, boolean fullJitter) {
    /** Lambda's own transient failures (throttling, a sandbox that died): a new invocation usually succeeds. */
    public static final Backoff LAMBDA_SERVICE = new Backoff(2, 3, 2, 0, true);
    /** A throttled or briefly unreachable API (DynamoDB, EC2, the K3s API, SSM): 3 + 6 + 12 + 24 s covers a blip. */
    public static final Backoff STEP_ERRORS = new Backoff(3, 4, 2, 30, true);
    /**
     * An idempotency claim still in progress: a killed first attempt holds its claim for the fleet
     * step timeout (2 min); 30 + 45 + 67 s outlast it, and the retry then carries on with the same
     * ClientTokens. No jitter: only this one execution waits on its own claim.
     */
    public static final Backoff WAIT_OUT_IN_PROGRESS = new Backoff(30, 5, 1.5, 0, false);
    /** Releasing the lock must not give up on any error: a held lock stops every actuation until it expires. */
    public static final Backoff UNTIL_RELEASED = new Backoff(5, 3, 2, 0, true);

    public Backoff {
        if (intervalSeconds < 1 || maxAttempts < 0 || rate < 1 || maxDelaySeconds < 0) {
            throw new IllegalArgumentException("not an ASL retry schedule: " + intervalSeconds + " s, " + maxAttempts + " attempts, ×" + rate);
        }
    }
}
