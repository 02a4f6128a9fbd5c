package dev.k3sautoscaler.fleet;

import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** What every fleet handler is built from: settings, the EC2 adapter and the clock. Built once, in INIT. */
public record FleetContext(FleetSettings settings, Ec2Fleet ec2, Clock clock) {

    static FleetContext fromEnvironment(Map<String, String> environment) {
        FleetSettings settings = FleetSettings.fromEnvironment(environment);
        return of(settings, FleetClients.fromEnvironment(settings, environment), Clock.systemUTC(), Ec2Fleet.DEFAULT_PAGE_SIZE);
    }

    /** For tests and the simulator: a client from {@link FleetClients#builder()} (endpoint overridden) and any clock, the production page size. */
    public static FleetContext of(FleetSettings settings, Ec2Client client, Clock clock) {
        return of(settings, client, clock, Ec2Fleet.DEFAULT_PAGE_SIZE);
    }

    /** For tests and the simulator: any client (an endpoint-overridden one), any clock, any page size. */
    public static FleetContext of(FleetSettings settings, Ec2Client client, Clock clock, int pageSize) {
        return new FleetContext(settings, new Ec2Fleet(client, settings, pageSize), clock);
    }
}
