package dev.k3sautoscaler.fleet;

import dev.k3sautoscaler.contract.CapacityMode;
import dev.k3sautoscaler.errors.Ec2Unavailable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceInterruptionBehavior;
import software.amazon.awssdk.services.ec2.model.InstanceLifecycleType;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateSpecification;
import software.amazon.awssdk.services.ec2.model.MarketType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.RunInstancesResponse;
import software.amazon.awssdk.services.ec2.model.SpotInstanceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * The fleet's only door to EC2: the real SDK client (the Lambdas' HTTP client, endpoint override only
 * for the simulator and tests). Failures come out as named step errors, except capacity errors
 * from RunInstances, which are an outcome the launcher acts on.
 */
final class Ec2Fleet {
    /** Two quick in-Lambda retries for throttling and 5xx; longer outages are left to the ASL's Retry, visible in the console. */
    static final int SDK_MAX_ATTEMPTS = 3;
    /** Short backoff: the whole step must stay well inside its Lambda timeout. */
    static final Duration SDK_BASE_DELAY = Duration.ofMillis(100);
    static final Duration SDK_MAX_DELAY = Duration.ofSeconds(1);
    /** EC2 throttling buckets refill per second; waiting less than that only spends the retry. */
    static final Duration SDK_THROTTLE_BASE_DELAY = Duration.ofMillis(500);
    static final Duration SDK_THROTTLE_MAX_DELAY = Duration.ofSeconds(2);
    /** DescribeInstances page size (EC2 allows 5..1000); 100 covers any realistic cluster in one page. */
    static final int DEFAULT_PAGE_SIZE = 100;

    private final Ec2Client ec2;
    private final FleetSettings settings;
    private final int pageSize;

    Ec2Fleet(Ec2Client ec2, FleetSettings settings, int pageSize) {
        this.ec2 = ec2;
        this.settings = settings;
        this.pageSize = pageSize;
    }

    /** The fleet's SDK settings ({@link FleetClients#builder()}); tests build their client with these too, so they exercise the same retries. */
    static ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder()
                .retryStrategy(StandardRetryStrategy.builder()
                        .maxAttempts(SDK_MAX_ATTEMPTS)
                        .backoffStrategy(BackoffStrategy.exponentialDelay(SDK_BASE_DELAY, SDK_MAX_DELAY))
                        .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(SDK_THROTTLE_BASE_DELAY, SDK_THROTTLE_MAX_DELAY))
                        .circuitBreakerEnabled(false)
                        .retryOnException(Ec2Errors::sdkShouldRetry)
                        .treatAsThrottling(Ec2Errors::isThrottling)
                        // Without this the client adds the SDK's own rule "retry any 5xx", which would spend
                        // three attempts on every InsufficientInstanceCapacity (EC2 sends it as HTTP 500).
                        .useClientDefaults(false)
                        .build())
                .build();
    }

    /** This cluster's managed instances in the given states, every page. */
    List<Ec2Instance> managedWorkers(Collection<String> states) {
        return describe(List.of(
                filter("tag:" + FleetTags.MANAGED, List.of("true")),
                filter("tag:" + FleetTags.CLUSTER, List.of(settings.clusterId())),
                filter("instance-state-name", List.copyOf(states))));
    }

    /**
     * The instances with these ids, whoever owns them. A filter, not InstanceIds: EC2 fails the whole
     * call with InvalidInstanceID.NotFound for an id it no longer knows, and "gone" is a normal answer here.
     */
    List<Ec2Instance> byIds(Collection<String> instanceIds) {
        return describe(List.of(filter("instance-id", List.copyOf(instanceIds))));
    }

    private List<Ec2Instance> describe(List<Filter> filters) {
        DescribeInstancesRequest request = DescribeInstancesRequest.builder().filters(filters).maxResults(pageSize).build();
        return call("DescribeInstances", () -> {
            List<Ec2Instance> found = new ArrayList<>();
            ec2.describeInstancesPaginator(request).reservations()
                    .forEach(reservation -> reservation.instances().forEach(instance -> found.add(read(instance))));
            return found;
        });
    }

    sealed interface RunResult permits Launched, OfferingUnavailable {
    }

    record Launched(List<Ec2Instance> instances) implements RunResult {
    }

    record OfferingUnavailable(String errorCode) implements RunResult {
    }

    /** RunInstances for up to {@code count} instances of one offering (at least one), tagged atomically. */
    RunResult run(Offering offering, int count, String clientToken, Map<String, String> tags) {
        List<Tag> tagList = tags.entrySet().stream().map(tag -> Tag.builder().key(tag.getKey()).value(tag.getValue()).build()).toList();
        LaunchTemplateSpecification.Builder template = LaunchTemplateSpecification.builder().version(settings.launchTemplateVersion());
        if (settings.launchTemplateIsId()) {
            template.launchTemplateId(settings.launchTemplate());
        } else {
            template.launchTemplateName(settings.launchTemplate());
        }
        RunInstancesRequest.Builder request = RunInstancesRequest.builder()
                .launchTemplate(template.build())
                .instanceType(offering.instanceType())
                .subnetId(offering.subnetId())
                .minCount(1)
                .maxCount(count)
                .clientToken(clientToken)
                .tagSpecifications(
                        TagSpecification.builder().resourceType(ResourceType.INSTANCE).tags(tagList).build(),
                        TagSpecification.builder().resourceType(ResourceType.VOLUME).tags(tagList).build());
        if (offering.isSpot()) {
            // One-time: a spot worker that is interrupted is replaced by the next tick, not by EC2.
            request.instanceMarketOptions(market -> market.marketType(MarketType.SPOT)
                    .spotOptions(spot -> spot.spotInstanceType(SpotInstanceType.ONE_TIME)
                            .instanceInterruptionBehavior(InstanceInterruptionBehavior.TERMINATE)));
        }
        RunInstancesResponse response;
        try {
            response = ec2.runInstances(request.build());
        } catch (SdkException e) {
            if (Ec2Errors.isOfferingUnavailable(e)) {
                return new OfferingUnavailable(Ec2Errors.code(e));
            }
            throw Ec2Errors.toStepError("RunInstances", e);
        }
        if (!response.hasInstances() || response.instances().isEmpty()) {
            // RunInstances either starts at least MinCount instances or fails; an empty answer is a broken one.
            throw new Ec2Unavailable("EC2 RunInstances answered without instances (reservation "
                    + response.reservationId() + "); retry the step", null);
        }
        return new Launched(response.instances().stream().map(Ec2Fleet::read).toList());
    }

    void terminate(Collection<String> instanceIds) {
        call("TerminateInstances", () -> ec2.terminateInstances(request -> request.instanceIds(instanceIds)));
    }

    private static <T> T call(String operation, Supplier<T> body) {
        try {
            return body.get();
        } catch (SdkException e) {
            throw Ec2Errors.toStepError(operation, e);
        }
    }

    private static Filter filter(String name, List<String> values) {
        return Filter.builder().name(name).values(values).build();
    }

    private static Ec2Instance read(Instance instance) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (instance.hasTags()) {
            instance.tags().forEach(tag -> tags.put(tag.key(), tag.value() == null ? "" : tag.value()));
        }
        String capacityType = instance.instanceLifecycle() == InstanceLifecycleType.SPOT
                ? CapacityMode.SPOT_MARKET : CapacityMode.ON_DEMAND_MARKET;
        return new Ec2Instance(instance.instanceId(), instance.instanceTypeAsString(),
                instance.placement() == null ? null : instance.placement().availabilityZone(), capacityType,
                instance.launchTime(), instance.state() == null ? null : instance.state().nameAsString(), Map.copyOf(tags));
    }
}
