package dev.k3sautoscaler.fleet;

import java.time.Instant;
import java.util.Map;

/** What the fleet reads back from EC2 about one instance; tags stay inside the module (never in an output). */
record Ec2Instance(String instanceId, String instanceType, String availabilityZone, String capacityType,
                   Instant launchTime, String state, Map<String, String> tags) {

    boolean isGone() {
        return "shutting-down".equals(state) || "terminated".equals(state);
    }

    String tag(String key) {
        return tags.get(key);
    }

    LaunchedWorker toLaunched() {
        return new LaunchedWorker(instanceId, instanceType, availabilityZone, capacityType, launchTime);
    }
}
