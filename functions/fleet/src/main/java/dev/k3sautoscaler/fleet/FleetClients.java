package dev.k3sautoscaler.fleet;

import dev.k3sautoscaler.runtime.AwsClients;
import java.util.Map;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.Ec2ClientBuilder;

/** The EC2 client of the fleet steps. */
public final class FleetClients {
    private FleetClients() {
    }

    /**
     * A builder with the fleet's retry policy ({@link Ec2Fleet#overrides()}); finish it with AwsClients.
     * The simulator and the e2e rig build theirs from this too, so a capacity error costs one
     * RunInstances per offering there as in Lambda, not the SDK default's four.
     */
    public static Ec2ClientBuilder builder() {
        return Ec2Client.builder().overrideConfiguration(Ec2Fleet.overrides());
    }

    /** For Lambda: region and credentials from the environment, the endpoint from the settings (null in AWS). */
    static Ec2Client fromEnvironment(FleetSettings settings, Map<String, String> environment) {
        return AwsClients.fromEnvironment(builder(), environment, settings.endpointOverride());
    }
}
