package dev.k3sautoscaler.state;

import dev.k3sautoscaler.errors.StateStoreRejected;
import dev.k3sautoscaler.errors.StateStoreUnavailable;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Turns DynamoDB failures into the named step errors the ASL retries or catches. Conditional-check
 * failures are not errors here: callers catch them and turn them into outcomes (lock busy, lock lost).
 */
public final class DynamoErrors {
    private DynamoErrors() {
    }

    /**
     * Runs one DynamoDB call. {@link ConditionalCheckFailedException} and {@link TransactionCanceledException}
     * pass through for the caller to interpret; everything else becomes StateStoreUnavailable or StateStoreRejected.
     */
    public static <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (ConditionalCheckFailedException | TransactionCanceledException e) {
            throw e;
        } catch (SdkException e) {
            throw translate(what, e);
        }
    }

    public static RuntimeException translate(String what, SdkException e) {
        if (isTransient(e)) {
            return new StateStoreUnavailable(what + ": DynamoDB is unavailable now (" + describe(e) + "); retry", e);
        }
        return new StateStoreRejected(what + ": DynamoDB rejected the call (" + describe(e) + ")", e);
    }

    /** Throttling, 5xx, clock skew and I/O are worth retrying; other 4xx (missing table, access denied) are not. */
    static boolean isTransient(SdkException e) {
        if (e instanceof SdkClientException) {
            return true; // timeouts, connection refused: the request may not even have arrived
        }
        if (e instanceof TransactionCanceledException cancelled && cancelled.hasCancellationReasons()) {
            // A cancelled transaction is transient when any item was throttled or raced another transaction.
            return cancelled.cancellationReasons().stream().anyMatch(reason ->
                    "ThrottlingError".equals(reason.code()) || "ProvisionedThroughputExceeded".equals(reason.code())
                            || "TransactionConflict".equals(reason.code()));
        }
        if (e instanceof AwsServiceException service) {
            if (service.isThrottlingException() || service.isClockSkewException() || service.statusCode() >= 500) {
                return true;
            }
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            return "ProvisionedThroughputExceededException".equals(code) || "RequestLimitExceeded".equals(code)
                    || "TransactionConflictException".equals(code) || "TransactionInProgressException".equals(code);
        }
        return false;
    }

    private static String describe(SdkException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            return service.awsErrorDetails().errorCode() + ", HTTP " + service.statusCode();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
