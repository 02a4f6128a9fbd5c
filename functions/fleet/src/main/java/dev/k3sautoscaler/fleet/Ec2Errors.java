package dev.k3sautoscaler.fleet;

import dev.k3sautoscaler.errors.Ec2AccessDenied;
import dev.k3sautoscaler.errors.Ec2RequestRejected;
import dev.k3sautoscaler.errors.Ec2Unavailable;
import dev.k3sautoscaler.errors.StepError;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** EC2's error codes sorted into what the fleet does about them. */
final class Ec2Errors {
    /**
     * The offering (type × AZ × market) cannot be served now: try the next one and remember this one.
     * EC2 answers InsufficientInstanceCapacity with HTTP 500, so these must be kept out of the 5xx rule.
     */
    static final Set<String> OFFERING_UNAVAILABLE = Set.of(
            "InsufficientInstanceCapacity", "InsufficientCapacity", "InstanceLimitExceeded", "Unsupported",
            "MaxSpotInstanceCountExceeded", "SpotMaxPriceTooLow", "InsufficientFreeAddressesInSubnet",
            "VcpuLimitExceeded");
    static final Set<String> THROTTLING = Set.of("RequestLimitExceeded", "Throttling", "ThrottlingException");
    static final Set<String> DENIED = Set.of("UnauthorizedOperation", "AuthFailure", "Blocked", "OptInRequired");

    private Ec2Errors() {
    }

    /** EC2's error code, or "" when the failure never got an EC2 answer (I/O, unreadable response). */
    static String code(SdkException error) {
        return error instanceof AwsServiceException service && service.awsErrorDetails() != null
               && service.awsErrorDetails().errorCode() != null ? service.awsErrorDetails().errorCode() : "";
    }

    static boolean isOfferingUnavailable(SdkException error) {
        return OFFERING_UNAVAILABLE.contains(code(error));
    }

    static boolean isThrottling(Throwable error) {
        return error instanceof SdkException sdk && THROTTLING.contains(code(sdk));
    }

    /** For the SDK's own quick retries: throttling, 5xx other than capacity, and unreadable or lost answers. */
    static boolean sdkShouldRetry(Throwable error) {
        if (error instanceof AwsServiceException service) {
            String code = code(service);
            return THROTTLING.contains(code) || (service.statusCode() >= 500 && !OFFERING_UNAVAILABLE.contains(code));
        }
        return error instanceof SdkClientException;
    }

    /** The named step error for an EC2 failure the fleet cannot handle itself. */
    static StepError toStepError(String operation, SdkException error) {
        String code = code(error);
        if (DENIED.contains(code)) {
            return new Ec2AccessDenied("EC2 " + operation + " was denied (" + code + "): the step's IAM role needs ec2:"
                    + operation + " on these resources (for RunInstances also ec2:CreateTags and iam:PassRole for the "
                    + "worker instance profile)", error);
        }
        if (error instanceof AwsServiceException service && !THROTTLING.contains(code) && service.statusCode() < 500) {
            return new Ec2RequestRejected("EC2 " + operation + " rejected the request: " + code + ": "
                    + service.awsErrorDetails().errorMessage(), error);
        }
        String what = !code.isEmpty() ? code + " (HTTP " + ((AwsServiceException) error).statusCode() + ")"
                : "no usable answer (" + firstLine(error.getMessage()) + ")";
        return new Ec2Unavailable("EC2 " + operation + " failed after retries: " + what + "; retry the step", error);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
