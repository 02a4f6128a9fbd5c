package dev.k3sautoscaler.core.scaledown;

/** Instance ↔ node mapping: the worker bootstrap sets {@code spec.providerID} to {@code aws:///<az>/<instance-id>}. */
public final class ProviderId {
    private static final String PREFIX = "aws:///";

    private ProviderId() {
    }

    /** The EC2 instance id, or null when the value is absent or not an AWS provider id. */
    public static String instanceId(String providerId) {
        if (providerId == null || !providerId.startsWith(PREFIX)) {
            return null;
        }
        String rest = providerId.substring(PREFIX.length());
        int slash = rest.lastIndexOf('/');
        String id = slash < 0 ? rest : rest.substring(slash + 1);
        return id.startsWith("i-") ? id : null;
    }

    public static String of(String availabilityZone, String instanceId) {
        return PREFIX + availabilityZone + "/" + instanceId;
    }
}
