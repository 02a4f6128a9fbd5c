package dev.k3sautoscaler.testkit.ec2;

/**
 * An error the fake answers with, in EC2's shape and HTTP status. The common ones, with the status
 * real EC2 uses: capacity errors are server errors (500), throttling is 503, bad requests 400.
 */
public record Ec2Error(int httpStatus, String code, String message) {

    public static Ec2Error insufficientCapacity(String instanceType, String availabilityZone, boolean spot) {
        String what = spot ? "There is no Spot capacity available that matches your request."
                : "We currently do not have sufficient " + instanceType + " capacity in the Availability Zone you requested ("
                  + availabilityZone + "). Our system will be working on provisioning additional capacity.";
        return new Ec2Error(500, "InsufficientInstanceCapacity", what);
    }

    public static Ec2Error throttled() {
        return new Ec2Error(503, "RequestLimitExceeded", "Request limit exceeded.");
    }

    public static Ec2Error unavailable() {
        return new Ec2Error(503, "Unavailable", "The server is overloaded and can't handle the request.");
    }

    public static Ec2Error internal() {
        return new Ec2Error(500, "InternalError", "An internal error has occurred.");
    }

    public static Ec2Error unauthorized(String action) {
        return new Ec2Error(403, "UnauthorizedOperation", "You are not authorized to perform this operation. "
                + "User: arn:aws:sts::000000000000:assumed-role/fleet/fake is not authorized to perform: ec2:" + action);
    }

    public static Ec2Error instanceLimitExceeded() {
        return new Ec2Error(400, "InstanceLimitExceeded", "You have requested more instances than your current instance limit allows.");
    }

    public static Ec2Error badRequest(String code, String message) {
        return new Ec2Error(400, code, message);
    }

    RuntimeException asException() {
        return new Failure(this);
    }

    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Ec2Error error;

        Failure(Ec2Error error) {
            super(error.code() + ": " + error.message(), null, false, false);
            this.error = error;
        }
    }
}
