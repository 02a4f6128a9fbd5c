package dev.k3sautoscaler.core.state;

/**
 * The one place the scaling lease's outcomes become words: the {@code reason} of AcquireLock,
 * ReleaseLock and a renewal, and their log lines.
 */
public final class LeaseWording {

    private LeaseWording() {
    }

    public static String reason(LeaseOutcome outcome) {
        return switch (outcome) {
            case LeaseOutcome.Acquired o -> "lock acquired (token " + o.token() + ", until " + o.until() + ")";
            case LeaseOutcome.Busy o ->
                    "lock busy: held by " + o.holder() + " until " + o.until() + " (token " + o.token() + ")";
            case LeaseOutcome.BusyReleasedLater o ->
                    "lock busy: released at " + o.releasedAt() + ", later than this call's clock " + o.clock();
            case LeaseOutcome.Renewed o -> "lock renewed until " + o.until() + " (token " + o.token() + ")";
            case LeaseOutcome.Released o -> "lock released (token " + o.token() + ", held " + o.heldForSeconds() + " s"
                    + (o.acquisitionAnswerLost() ? ", its acquisition's answer lost" : "") + ")";
            case LeaseOutcome.AlreadyReleased o -> "already released (token " + o.token() + "); nothing to do";
            case LeaseOutcome.Superseded o -> "nothing released: token " + o.token() + " was superseded by token "
                    + o.current() + (o.holder() == null ? " (since released)" : " held by " + o.holder());
            case LeaseOutcome.NotHeld o -> "nothing released: no lease token " + o.token() + " for " + o.owner()
                    + " (current token " + o.current() + ")";
            case LeaseOutcome.OwnerHoldsNone o -> "nothing released: " + o.owner() + " holds no lease";
        };
    }
}
