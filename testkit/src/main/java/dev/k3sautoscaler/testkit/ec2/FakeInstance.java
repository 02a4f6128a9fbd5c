package dev.k3sautoscaler.testkit.ec2;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of one instance in the {@link Ec2Fake}, its state resolved at {@code observedAt}.
 *
 * @param marketType {@code "spot"} or {@code "on-demand"}
 */
public record FakeInstance(String instanceId, String reservationId, String imageId, String instanceType,
                           String availabilityZone, String subnetId, String marketType, Instant launchTime,
                           String state, String clientToken, String launchTemplateId,
                           Map<String, String> tags, Map<String, String> volumeTags) {

    public boolean isAlive() {
        return state.equals("pending") || state.equals("running");
    }

    public String tag(String key) {
        return tags.get(key);
    }

    /** EC2's state codes (the low byte of {@code instanceState/code}). */
    static int stateCode(String state) {
        return switch (state) {
            case "pending" -> 0;
            case "running" -> 16;
            case "shutting-down" -> 32;
            case "terminated" -> 48;
            case "stopping" -> 64;
            case "stopped" -> 80;
            default -> throw new IllegalArgumentException(state);
        };
    }

    /** Mutable record of an instance inside the fake; state is derived from the clock when read. */
    static final class Entry {
        final String instanceId;
        final String reservationId;
        final String imageId;
        final String instanceType;
        final String availabilityZone;
        final String subnetId;
        final String marketType;
        final Instant launchTime;
        final String clientToken;
        final String launchTemplateId;
        /**
         * Replaced, never changed in place: every snapshot shares it. DescribeInstances snapshots every
         * instance, and copying each one's tags per call was a simulated day's largest cost in this fake.
         */
        private Map<String, String> tags;
        final Map<String, String> volumeTags;
        Instant terminationRequestedAt;

        Entry(String instanceId, String reservationId, String imageId, String instanceType, String availabilityZone,
              String subnetId, String marketType, Instant launchTime, String clientToken, String launchTemplateId,
              Map<String, String> tags, Map<String, String> volumeTags) {
            this.instanceId = instanceId;
            this.reservationId = reservationId;
            this.imageId = imageId;
            this.instanceType = instanceType;
            this.availabilityZone = availabilityZone;
            this.subnetId = subnetId;
            this.marketType = marketType;
            this.launchTime = launchTime;
            this.clientToken = clientToken;
            this.launchTemplateId = launchTemplateId;
            this.tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
            this.volumeTags = Collections.unmodifiableMap(new LinkedHashMap<>(volumeTags));
        }

        String state(Instant now, Duration bootDelay, Duration shutdownDelay) {
            if (terminationRequestedAt != null) {
                return now.isBefore(terminationRequestedAt.plus(shutdownDelay)) ? "shutting-down" : "terminated";
            }
            return now.isBefore(launchTime.plus(bootDelay)) ? "pending" : "running";
        }

        FakeInstance snapshot(Instant now, Duration bootDelay, Duration shutdownDelay) {
            return new FakeInstance(instanceId, reservationId, imageId, instanceType, availabilityZone, subnetId,
                    marketType, launchTime, state(now, bootDelay, shutdownDelay), clientToken, launchTemplateId,
                    tags, volumeTags);
        }

        /** A tag added or changed, as CreateTags does: the instance's tags in their order, the new one last. */
        void tag(String key, String value) {
            Map<String, String> changed = new LinkedHashMap<>(tags);
            changed.put(key, value);
            tags = Collections.unmodifiableMap(changed);
        }

        Map<String, String> tags() {
            return tags;
        }
    }
}
