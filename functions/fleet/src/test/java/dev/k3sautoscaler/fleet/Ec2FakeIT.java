package dev.k3sautoscaler.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.k3sautoscaler.testkit.TestWorld;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * The EC2 fake's EC2 behaviours that the simulator relies on beyond what the handlers use, checked
 * through the real SDK client, so a drift between the fake and the SDK's EC2 protocol shows here.
 */
class Ec2FakeIT {
    private final FleetRig rig = new FleetRig();
    private final Ec2Client ec2 = rig.client();

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void runInstances_withAReusedClientTokenButOtherParameters_isIdempotentParameterMismatch() {
        // GIVEN a launch with a token
        ec2.runInstances(request("token-1", "subnet-a"));

        // WHEN the token is reused for another subnet
        Ec2Exception error = assertThrows(Ec2Exception.class, () -> ec2.runInstances(request("token-1", "subnet-b")));

        // THEN EC2's error, and still one instance
        assertEquals("IdempotentParameterMismatch", error.awsErrorDetails().errorCode());
        assertEquals(400, error.statusCode());
        assertEquals(1, rig.ec2.instances().size());
    }

    @Test
    void runInstances_startsAsManyAsCapacityAllows_betweenMinCountAndMaxCount() {
        // GIVEN room for two in a
        rig.ec2.capacity("t3.small", TestWorld.AZ_A, "on-demand", 2);

        // WHEN five are asked with MinCount 1, then one more
        List<Instance> started = ec2.runInstances(request("token-2", "subnet-a").toBuilder().maxCount(5).build()).instances();
        Ec2Exception error = assertThrows(Ec2Exception.class, () -> ec2.runInstances(request("token-3", "subnet-a")));

        // THEN two start, and the next is InsufficientInstanceCapacity with HTTP 500 as in EC2
        assertEquals(2, started.size());
        assertEquals("InsufficientInstanceCapacity", error.awsErrorDetails().errorCode());
        assertEquals(500, error.statusCode());
    }

    @Test
    void describeInstances_byUnknownInstanceId_isInvalidInstanceIdNotFound_butAFilterIsNot() {
        // WHEN an unknown id is asked by InstanceIds and by the instance-id filter
        Ec2Exception error = assertThrows(Ec2Exception.class,
                () -> ec2.describeInstances(r -> r.instanceIds("i-0bbbbbbbbbbbbbbbb")));
        var filtered = ec2.describeInstances(r -> r.filters(filter("instance-id", "i-0bbbbbbbbbbbbbbbb")));

        // THEN the first fails as in EC2, the second is simply empty
        assertEquals("InvalidInstanceID.NotFound", error.awsErrorDetails().errorCode());
        assertEquals(List.of(), filtered.reservations());
    }

    @Test
    void createTags_addsTagsThatDescribeFiltersOn() {
        // GIVEN an instance
        String id = ec2.runInstances(request("token-4", "subnet-b")).instances().getFirst().instanceId();

        // WHEN it is tagged
        ec2.createTags(r -> r.resources(id).tags(Tag.builder().key("team").value("blue").build()));

        // THEN a tag filter finds it, with its state following the clock
        Instance found = ec2.describeInstances(r -> r.filters(filter("tag:team", "blue")))
                .reservations().getFirst().instances().getFirst();
        assertEquals(id, found.instanceId());
        assertEquals(InstanceStateName.PENDING, found.state().name());
        assertEquals(Map.of("team", "blue"), Map.of(found.tags().getFirst().key(), found.tags().getFirst().value()));
    }

    private static Filter filter(String name, String value) {
        return Filter.builder().name(name).values(value).build();
    }

    private static RunInstancesRequest request(String token, String subnet) {
        return RunInstancesRequest.builder().launchTemplate(t -> t.launchTemplateId(FleetRig.TEMPLATE_ID))
                .subnetId(subnet).minCount(1).maxCount(1).clientToken(token).build();
    }
}
